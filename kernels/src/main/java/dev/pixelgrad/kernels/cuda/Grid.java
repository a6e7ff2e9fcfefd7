package dev.pixelgrad.kernels.cuda;

/** The shape of a launch: {@code x * y} blocks of {@code block} threads. */
record Grid(int x, int y, int block) {
    /** Threads per block of our element-wise and reduction kernels. */
    static final int BLOCK = 256;
    /** Grid-stride kernels never need more blocks than this; their loops take the rest. */
    private static final int MAX_BLOCKS = 1 << 16;

    Grid {
        if (x < 1 || y < 1 || block < 1 || block > 1024) {
            throw new IllegalArgumentException("bad launch shape: " + x + " x " + y + " blocks of " + block + " threads");
        }
    }

    /** Enough {@link #BLOCK}-thread blocks for {@code items} items of a grid-stride loop. */
    static Grid linear(long items) {
        return new Grid(blocksFor(items), 1, BLOCK);
    }

    /** Blocks of {@link #BLOCK} threads that cover {@code items}, at least one and at most {@link #MAX_BLOCKS}. */
    static int blocksFor(long items) {
        return (int) Math.max(1, Math.min((items + BLOCK - 1) / BLOCK, MAX_BLOCKS));
    }

    /** One block. */
    static Grid single(int threads) {
        return new Grid(1, 1, threads);
    }
}
