package dev.pixelgrad.tensor.backend;

import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the backend of each device type on the class path (ServiceLoader), once. The meta device's
 * backend is built in ({@link MetaBackend}): it is no hardware, so {@link #all} leaves it out.
 */
public final class Backends {
    private static volatile Map<DeviceType, Backend> byType;
    /** Backends that have answered "available": that cannot change, so every later op skips the question. */
    private static final Set<DeviceType> USABLE = ConcurrentHashMap.newKeySet();

    private Backends() {}

    /**
     * The backend that runs tensors on {@code device}; fails with the reason when it cannot run here.
     *
     * @param device the device
     * @return its backend; the meta device's is built in
     * @throws IllegalStateException if no backend for the device's type is on the class path, or it reports
     *                               that it cannot run here
     */
    public static Backend of(Device device) {
        if (device.isMeta()) {
            return MetaBackend.INSTANCE;
        }
        Backend b = load().get(device.type());
        if (b == null) {
            throw new IllegalStateException("no " + device.type().name().toLowerCase(Locale.ROOT)
                    + " backend on the class path (add the pixelgrad-kernels jar)");
        }
        if (!USABLE.contains(device.type())) {
            String reason = b.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("the " + b.name() + " backend is unavailable: " + reason);
            }
            USABLE.add(device.type());
        }
        return b;
    }

    /**
     * Whether devices of this type can be used here: a backend for them is on the class path and it can run.
     *
     * @param type the device type
     * @return whether {@link #unavailableReason} is null
     */
    public static boolean isAvailable(DeviceType type) {
        return unavailableReason(type) == null;
    }

    /**
     * Why a device type cannot be used here, or null when it can.
     *
     * @param type the device type
     * @return null, or the reason (no backend on the class path, or the backend's own reason)
     */
    public static String unavailableReason(DeviceType type) {
        if (type == DeviceType.META) {
            return null;
        }
        Backend b = load().get(type);
        return b == null ? "no backend for " + type + " on the class path" : b.unavailableReason();
    }

    /**
     * The hardware backends on the class path (not the meta device's).
     *
     * @return the backends, one per device type, in the order of {@link dev.pixelgrad.tensor.DeviceType}
     */
    public static List<Backend> all() {
        return List.copyOf(load().values());
    }

    private static Map<DeviceType, Backend> load() {
        Map<DeviceType, Backend> m = byType;
        if (m == null) {
            synchronized (Backends.class) {
                m = byType;
                if (m == null) {
                    m = new EnumMap<>(DeviceType.class);
                    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                        m.putIfAbsent(b.deviceType(), b);
                    }
                    byType = m;
                }
            }
        }
        return m;
    }
}
