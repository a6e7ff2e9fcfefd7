package dev.pixelgrad.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Rank 0 is a scalar. Tensors are NCHW and row-major, so the
 * last dimension is contiguous.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        boolean empty = false;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            empty |= d == 0;
        }
        // A zero anywhere empties the shape, however large the product of the other dimensions.
        long n = empty ? 0 : 1;
        if (!empty) {
            for (int d : dims) {
                if (n > Long.MAX_VALUE / d) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                            + " has more elements than a 64-bit count holds");
                }
                n *= d;
            }
        }
        this.dims = dims;
        this.numel = n;
    }

    /**
     * The shape with these dimension sizes.
     *
     * @param dims the sizes, outermost first (none for a scalar); the array is copied
     * @return the shape
     * @throws IllegalArgumentException if a size is negative or the element count does not fit in a long
     */
    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /**
     * The shape of a rank-0 tensor: no dimensions and one element.
     *
     * @return the scalar shape
     */
    public static Shape scalar() {
        return SCALAR;
    }

    /**
     * The number of dimensions: 0 for a scalar, 4 for an NCHW batch of images.
     *
     * @return the rank
     */
    public int rank() {
        return dims.length;
    }

    /**
     * Size of dimension {@code i}; negative {@code i} counts from the end, as in Python.
     *
     * @param i the dimension, from 0 (outermost), or from -1 (innermost) backwards
     * @return its size
     * @throws IndexOutOfBoundsException if the shape has no dimension {@code i}
     */
    public int dim(int i) {
        int j = i < 0 ? dims.length + i : i;
        if (j < 0 || j >= dims.length) {
            throw new IndexOutOfBoundsException("dimension " + i + " of shape " + this);
        }
        return dims[j];
    }

    /**
     * The dimension sizes, outermost first.
     *
     * @return a copy of the sizes, which the caller may change
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The number of elements: the product of the dimensions (1 for a scalar, 0 when any dimension is 0).
     *
     * @return the element count
     */
    public long numel() {
        return numel;
    }

    /**
     * Element count as an int, for host arrays; fails clearly when the shape is too large for one.
     *
     * @return the element count
     * @throws IllegalArgumentException if it exceeds what one Java array holds
     */
    public int numelInt() {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + this + " has " + numel + " elements, more than one array holds");
        }
        return (int) numel;
    }

    /**
     * Product of the dimensions from {@code from} (inclusive) to the end.
     *
     * <p>For NCHW, {@code numelFrom(2)} is the size of one plane, H * W.
     *
     * @param from the first dimension of the product
     * @return the product; 1 when {@code from} is the rank
     */
    public long numelFrom(int from) {
        long n = 1;
        for (int i = from; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /**
     * This shape with one {@code -1} (at most) replaced so that the element count matches {@code numel}.
     *
     * @param numel the element count to match
     * @param dims  the sizes, one of which may be -1
     * @return the shape
     * @throws IllegalArgumentException if there is more than one -1, a size below -1, or no whole size for
     *                                  the -1
     */
    public static Shape inferred(long numel, int... dims) {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape: only one -1 allowed in " + Arrays.toString(dims));
                }
                unknown = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(dims));
            } else {
                known *= dims[i];
            }
        }
        int[] out = dims.clone();
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(dims)
                        + " for " + numel + " elements");
            }
            out[unknown] = (int) (numel / known);
        }
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
