// Registers a kernel with the emulated device: its name, a function that unpacks cuLaunchKernel's
// parameter array (void**, one pointer per argument) into a call, and its signature as one letter per
// parameter (p pointer, i 32-bit integer, l 64-bit integer, f float, d double), which the Java side
// checks against its own launcher when it loads the library.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace emu {

struct KernelEntry {
    const char* name;
    void (*invoke)(void** params);
    const char* signature;
};

struct Registration {
    Registration(const char* name, void (*invoke)(void**), const char* signature);
};

template <typename T>
constexpr char letter() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_pointer_v<U>) return 'p';
    else if constexpr (std::is_same_v<U, float>) return 'f';
    else if constexpr (std::is_same_v<U, double>) return 'd';
    else if constexpr (std::is_integral_v<U> && sizeof(U) == 4) return 'i';
    else if constexpr (std::is_integral_v<U> && sizeof(U) == 8) return 'l';
    else static_assert(sizeof(U) == 0, "a kernel parameter type the emulator does not pass");
    return '?';
}

template <typename F>
struct Signature;

template <typename... A>
struct Signature<void (*)(A...)> {
    static constexpr char letters[sizeof...(A) + 1] = {letter<A>()..., '\0'};

    template <void (*K)(A...), std::size_t... I>
    static void call(void** params, std::index_sequence<I...>) {
        K(*static_cast<std::remove_cv_t<A>*>(params[I])...);
    }

    template <void (*K)(A...)>
    static void invoke(void** params) {
        call<K>(params, std::index_sequence_for<A...>{});
    }
};

}  // namespace emu

#define EMU_KERNEL(name)                                                                                  \
    static emu::Registration emu_registration_##name(#name, &emu::Signature<decltype(&name)>::invoke<&name>, \
                                                     emu::Signature<decltype(&name)>::letters);
