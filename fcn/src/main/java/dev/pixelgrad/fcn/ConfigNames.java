package dev.pixelgrad.fcn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The lower-case names by which configurations, checkpoints and the command line call the constants of
 * the configuration's enums ({@link Encoder}, {@link Padding}, {@link Preprocessing}): one spelling rule
 * and one error for a name that is none of them.
 */
final class ConfigNames {
    private ConfigNames() {}

    /** The constant's name, lower case: VGG16 is "vgg16". */
    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** Every constant's name, in declaration order. */
    static <E extends Enum<E>> List<String> all(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigNames::of).toList();
    }

    /**
     * The constant called {@code name}, in any case, blanks around it allowed.
     *
     * @throws IllegalArgumentException naming {@code what} and listing the names, for any other name
     */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(name.trim())) {
                return constant;
            }
        }
        List<String> names = all(type);
        String expected = names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        throw new IllegalArgumentException("unknown " + what + " '" + name + "' (expected " + expected + ")");
    }
}
