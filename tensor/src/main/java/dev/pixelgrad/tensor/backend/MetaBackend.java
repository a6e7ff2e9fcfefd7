package dev.pixelgrad.tensor.backend;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.Storage;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * The backend of {@link Device#META}: storage without memory, and every op a no-op.
 *
 * <p>{@link dev.pixelgrad.tensor.Ops} checks an op's arguments and allocates its outputs, with their
 * shapes, before it calls a backend; the backend only fills them. So on meta tensors the real code runs
 * (the layers' own output-size arithmetic and every shape check included) and only the arithmetic on
 * values is skipped: a network's forward pass costs nothing and still reports every shape.
 *
 * <p>Made as a {@link Proxy} of {@link Backend}: every op there returns {@code void} and writes into
 * outputs its caller allocated, so "do nothing" is one rule for all of them, and an op added to the
 * interface needs no change here. Not registered with the ServiceLoader: {@link Backends#of} answers it
 * for the meta device, and {@link Backends#all} (the hardware) leaves it out.
 */
final class MetaBackend {
    static final Backend INSTANCE = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class}, MetaBackend::invoke);

    private MetaBackend() {}

    private static Object invoke(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "name" -> "meta";
            case "deviceType" -> DeviceType.META;
            case "unavailableReason" -> null;
            case "describe" -> "meta: shapes only, no memory and no arithmetic";
            case "allocate" -> new MetaStorage((DType) args[0], (Long) args[1]);
            case "memoryStats" -> Map.of();
            case "computesBfloat16" -> true; // shapes only: every type goes through
            case "toString" -> "meta backend";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> {
                if (method.getReturnType() != void.class) {
                    throw new UnsupportedOperationException(method.getName() + " is not supported by the meta backend");
                }
                yield null; // an op, or copy and fill: there are no values to write
            }
        };
    }

    /** A length and a dtype, and no memory. */
    private static final class MetaStorage extends Storage {
        MetaStorage(DType dtype, long length) {
            super(Device.META, dtype, length);
        }

        @Override
        protected void free() {}
    }
}
