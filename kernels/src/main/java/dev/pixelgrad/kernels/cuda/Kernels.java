package dev.pixelgrad.kernels.cuda;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// Generated from kernels/src/main/cuda/*.cu by LauncherGenerator (kernels/src/test/java): do not edit.
// PtxFreshnessTest fails when this file and the sources disagree. To regenerate, from the repository root:
//   java kernels/src/test/java/dev/pixelgrad/kernels/cuda/LauncherGenerator.java

/**
 * One launcher per kernel of our CUDA modules, with the parameter names and types of its
 * {@code extern "C"} signature: device pointers are {@code long} addresses, C {@code int} is
 * {@code int}, C {@code long} and {@code unsigned long long} are {@code long}. Each call writes the
 * parameters into the kernel's native parameter block and launches it on the given grid.
 */
final class Kernels {
    /** A kernel: its module (.cu file), name and signature letters (see {@link Kernel}). */
    record Entry(String module, String name, String signature) {}

    /** Every kernel, in file then source order. */
    static final List<Entry> ALL = List.of(
            new Entry("conv", "im2col_f32", "ppiiiiiiiiiill"),
            new Entry("conv", "im2col_bf16", "ppiiiiiiiiiill"),
            new Entry("conv", "col2im_add_f32", "ppiiiiiiiiiill"),
            new Entry("elementwise", "add_f32", "pppl"),
            new Entry("elementwise", "add_bf16", "pppl"),
            new Entry("elementwise", "scale_f32", "pfpl"),
            new Entry("elementwise", "scale_bf16", "pfpl"),
            new Entry("elementwise", "relu_f32", "ppl"),
            new Entry("elementwise", "relu_bf16", "ppl"),
            new Entry("elementwise", "relu_backward_f32", "pppl"),
            new Entry("elementwise", "relu_backward_bf16", "pppl"),
            new Entry("elementwise", "add_channel_bias_f32", "pppill"),
            new Entry("elementwise", "add_channel_bias_bf16", "pppill"),
            new Entry("elementwise", "add_channel_bias_relu_f32", "pppill"),
            new Entry("elementwise", "add_channel_bias_relu_bf16", "pppill"),
            new Entry("elementwise", "crop_f32", "ppiiiiiil"),
            new Entry("elementwise", "crop_bf16", "ppiiiiiil"),
            new Entry("elementwise", "crop_backward_f32", "ppiiiiiil"),
            new Entry("elementwise", "crop_backward_bf16", "ppiiiiiil"),
            new Entry("elementwise", "dropout_f32", "ppffll"),
            new Entry("elementwise", "dropout_bf16", "ppffll"),
            new Entry("elementwise", "broadcast_scalar_f32", "pfpl"),
            new Entry("elementwise", "cast_f32_to_bf16", "ppl"),
            new Entry("elementwise", "cast_bf16_to_f32", "ppl"),
            new Entry("gemm", "sgemm_nn", "iiifpipifpi"),
            new Entry("gemm", "sgemm_nt", "iiifpipifpi"),
            new Entry("gemm", "sgemm_tn", "iiifpipifpi"),
            new Entry("gemm", "sgemm_tt", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_f32_nn", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_f32_nt", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_f32_tn", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_f32_tt", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_bf16_nn", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_bf16_nt", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_bf16_tn", "iiifpipifpi"),
            new Entry("gemm_bf16", "gemm_bf16_bf16_tt", "iiifpipifpi"),
            new Entry("gemm_tf32", "sgemm_tf32_nn", "iiifpipifpi"),
            new Entry("gemm_tf32", "sgemm_tf32_nt", "iiifpipifpi"),
            new Entry("gemm_tf32", "sgemm_tf32_tn", "iiifpipifpi"),
            new Entry("gemm_tf32", "sgemm_tf32_tt", "iiifpipifpi"),
            new Entry("loss", "softmax_xent_f32", "pppppiilif"),
            new Entry("loss", "class_weight_sum_partial_f32", "ppilp"),
            new Entry("optim", "sgd_step_f32", "pppfffl"),
            new Entry("optim", "adam_step_f32", "ppppffffffl"),
            new Entry("pool", "maxpool_forward_f32", "pppliiiiiiiiii"),
            new Entry("pool", "maxpool_forward_bf16", "pppliiiiiiiiii"),
            new Entry("pool", "maxpool_backward_f32", "pppliiiiiiiiii"),
            new Entry("pool", "maxpool_backward_bf16", "pppliiiiiiiiii"),
            new Entry("pool", "pad_neg_inf_f32", "ppliiii"),
            new Entry("pool", "pad_neg_inf_bf16", "ppliiii"),
            new Entry("reduce", "sum_partial_f32", "ppl"),
            new Entry("reduce", "sum_finish_f32", "pidp"),
            new Entry("reduce", "sum_per_channel_partial_f32", "ppiil"),
            new Entry("reduce", "sum_per_channel_partial_bf16", "ppiil"),
            new Entry("reduce", "relu_mask_sum_per_channel_partial_f32", "pppiil"),
            new Entry("reduce", "relu_mask_sum_per_channel_partial_bf16", "pppiil"),
            new Entry("reduce", "sum_per_channel_finish_f32", "pipi"),
            new Entry("reduce", "sum_per_channel_finish_bf16", "pipi"),
            new Entry("reduce", "argmax_channels_f32", "ppiil"),
            new Entry("reduce", "argmax_channels_bf16", "ppiil"),
            new Entry("reduce", "check_labels_i32", "piilpp"),
            new Entry("reduce", "confusion_matrix_i32", "pppiil"));

    private final Kernel im2col_f32;
    private final Kernel im2col_bf16;
    private final Kernel col2im_add_f32;
    private final Kernel add_f32;
    private final Kernel add_bf16;
    private final Kernel scale_f32;
    private final Kernel scale_bf16;
    private final Kernel relu_f32;
    private final Kernel relu_bf16;
    private final Kernel relu_backward_f32;
    private final Kernel relu_backward_bf16;
    private final Kernel add_channel_bias_f32;
    private final Kernel add_channel_bias_bf16;
    private final Kernel add_channel_bias_relu_f32;
    private final Kernel add_channel_bias_relu_bf16;
    private final Kernel crop_f32;
    private final Kernel crop_bf16;
    private final Kernel crop_backward_f32;
    private final Kernel crop_backward_bf16;
    private final Kernel dropout_f32;
    private final Kernel dropout_bf16;
    private final Kernel broadcast_scalar_f32;
    private final Kernel cast_f32_to_bf16;
    private final Kernel cast_bf16_to_f32;
    private final Kernel sgemm_nn;
    private final Kernel sgemm_nt;
    private final Kernel sgemm_tn;
    private final Kernel sgemm_tt;
    private final Kernel gemm_bf16_f32_nn;
    private final Kernel gemm_bf16_f32_nt;
    private final Kernel gemm_bf16_f32_tn;
    private final Kernel gemm_bf16_f32_tt;
    private final Kernel gemm_bf16_bf16_nn;
    private final Kernel gemm_bf16_bf16_nt;
    private final Kernel gemm_bf16_bf16_tn;
    private final Kernel gemm_bf16_bf16_tt;
    private final Kernel sgemm_tf32_nn;
    private final Kernel sgemm_tf32_nt;
    private final Kernel sgemm_tf32_tn;
    private final Kernel sgemm_tf32_tt;
    private final Kernel softmax_xent_f32;
    private final Kernel class_weight_sum_partial_f32;
    private final Kernel sgd_step_f32;
    private final Kernel adam_step_f32;
    private final Kernel maxpool_forward_f32;
    private final Kernel maxpool_forward_bf16;
    private final Kernel maxpool_backward_f32;
    private final Kernel maxpool_backward_bf16;
    private final Kernel pad_neg_inf_f32;
    private final Kernel pad_neg_inf_bf16;
    private final Kernel sum_partial_f32;
    private final Kernel sum_finish_f32;
    private final Kernel sum_per_channel_partial_f32;
    private final Kernel sum_per_channel_partial_bf16;
    private final Kernel relu_mask_sum_per_channel_partial_f32;
    private final Kernel relu_mask_sum_per_channel_partial_bf16;
    private final Kernel sum_per_channel_finish_f32;
    private final Kernel sum_per_channel_finish_bf16;
    private final Kernel argmax_channels_f32;
    private final Kernel argmax_channels_bf16;
    private final Kernel check_labels_i32;
    private final Kernel confusion_matrix_i32;

    Kernels(CudaDriver driver) {
        im2col_f32 = new Kernel(driver, "conv", "im2col_f32", "ppiiiiiiiiiill");
        im2col_bf16 = new Kernel(driver, "conv", "im2col_bf16", "ppiiiiiiiiiill");
        col2im_add_f32 = new Kernel(driver, "conv", "col2im_add_f32", "ppiiiiiiiiiill");
        add_f32 = new Kernel(driver, "elementwise", "add_f32", "pppl");
        add_bf16 = new Kernel(driver, "elementwise", "add_bf16", "pppl");
        scale_f32 = new Kernel(driver, "elementwise", "scale_f32", "pfpl");
        scale_bf16 = new Kernel(driver, "elementwise", "scale_bf16", "pfpl");
        relu_f32 = new Kernel(driver, "elementwise", "relu_f32", "ppl");
        relu_bf16 = new Kernel(driver, "elementwise", "relu_bf16", "ppl");
        relu_backward_f32 = new Kernel(driver, "elementwise", "relu_backward_f32", "pppl");
        relu_backward_bf16 = new Kernel(driver, "elementwise", "relu_backward_bf16", "pppl");
        add_channel_bias_f32 = new Kernel(driver, "elementwise", "add_channel_bias_f32", "pppill");
        add_channel_bias_bf16 = new Kernel(driver, "elementwise", "add_channel_bias_bf16", "pppill");
        add_channel_bias_relu_f32 = new Kernel(driver, "elementwise", "add_channel_bias_relu_f32", "pppill");
        add_channel_bias_relu_bf16 = new Kernel(driver, "elementwise", "add_channel_bias_relu_bf16", "pppill");
        crop_f32 = new Kernel(driver, "elementwise", "crop_f32", "ppiiiiiil");
        crop_bf16 = new Kernel(driver, "elementwise", "crop_bf16", "ppiiiiiil");
        crop_backward_f32 = new Kernel(driver, "elementwise", "crop_backward_f32", "ppiiiiiil");
        crop_backward_bf16 = new Kernel(driver, "elementwise", "crop_backward_bf16", "ppiiiiiil");
        dropout_f32 = new Kernel(driver, "elementwise", "dropout_f32", "ppffll");
        dropout_bf16 = new Kernel(driver, "elementwise", "dropout_bf16", "ppffll");
        broadcast_scalar_f32 = new Kernel(driver, "elementwise", "broadcast_scalar_f32", "pfpl");
        cast_f32_to_bf16 = new Kernel(driver, "elementwise", "cast_f32_to_bf16", "ppl");
        cast_bf16_to_f32 = new Kernel(driver, "elementwise", "cast_bf16_to_f32", "ppl");
        sgemm_nn = new Kernel(driver, "gemm", "sgemm_nn", "iiifpipifpi");
        sgemm_nt = new Kernel(driver, "gemm", "sgemm_nt", "iiifpipifpi");
        sgemm_tn = new Kernel(driver, "gemm", "sgemm_tn", "iiifpipifpi");
        sgemm_tt = new Kernel(driver, "gemm", "sgemm_tt", "iiifpipifpi");
        gemm_bf16_f32_nn = new Kernel(driver, "gemm_bf16", "gemm_bf16_f32_nn", "iiifpipifpi");
        gemm_bf16_f32_nt = new Kernel(driver, "gemm_bf16", "gemm_bf16_f32_nt", "iiifpipifpi");
        gemm_bf16_f32_tn = new Kernel(driver, "gemm_bf16", "gemm_bf16_f32_tn", "iiifpipifpi");
        gemm_bf16_f32_tt = new Kernel(driver, "gemm_bf16", "gemm_bf16_f32_tt", "iiifpipifpi");
        gemm_bf16_bf16_nn = new Kernel(driver, "gemm_bf16", "gemm_bf16_bf16_nn", "iiifpipifpi");
        gemm_bf16_bf16_nt = new Kernel(driver, "gemm_bf16", "gemm_bf16_bf16_nt", "iiifpipifpi");
        gemm_bf16_bf16_tn = new Kernel(driver, "gemm_bf16", "gemm_bf16_bf16_tn", "iiifpipifpi");
        gemm_bf16_bf16_tt = new Kernel(driver, "gemm_bf16", "gemm_bf16_bf16_tt", "iiifpipifpi");
        sgemm_tf32_nn = new Kernel(driver, "gemm_tf32", "sgemm_tf32_nn", "iiifpipifpi");
        sgemm_tf32_nt = new Kernel(driver, "gemm_tf32", "sgemm_tf32_nt", "iiifpipifpi");
        sgemm_tf32_tn = new Kernel(driver, "gemm_tf32", "sgemm_tf32_tn", "iiifpipifpi");
        sgemm_tf32_tt = new Kernel(driver, "gemm_tf32", "sgemm_tf32_tt", "iiifpipifpi");
        softmax_xent_f32 = new Kernel(driver, "loss", "softmax_xent_f32", "pppppiilif");
        class_weight_sum_partial_f32 = new Kernel(driver, "loss", "class_weight_sum_partial_f32", "ppilp");
        sgd_step_f32 = new Kernel(driver, "optim", "sgd_step_f32", "pppfffl");
        adam_step_f32 = new Kernel(driver, "optim", "adam_step_f32", "ppppffffffl");
        maxpool_forward_f32 = new Kernel(driver, "pool", "maxpool_forward_f32", "pppliiiiiiiiii");
        maxpool_forward_bf16 = new Kernel(driver, "pool", "maxpool_forward_bf16", "pppliiiiiiiiii");
        maxpool_backward_f32 = new Kernel(driver, "pool", "maxpool_backward_f32", "pppliiiiiiiiii");
        maxpool_backward_bf16 = new Kernel(driver, "pool", "maxpool_backward_bf16", "pppliiiiiiiiii");
        pad_neg_inf_f32 = new Kernel(driver, "pool", "pad_neg_inf_f32", "ppliiii");
        pad_neg_inf_bf16 = new Kernel(driver, "pool", "pad_neg_inf_bf16", "ppliiii");
        sum_partial_f32 = new Kernel(driver, "reduce", "sum_partial_f32", "ppl");
        sum_finish_f32 = new Kernel(driver, "reduce", "sum_finish_f32", "pidp");
        sum_per_channel_partial_f32 = new Kernel(driver, "reduce", "sum_per_channel_partial_f32", "ppiil");
        sum_per_channel_partial_bf16 = new Kernel(driver, "reduce", "sum_per_channel_partial_bf16", "ppiil");
        relu_mask_sum_per_channel_partial_f32 = new Kernel(driver, "reduce", "relu_mask_sum_per_channel_partial_f32", "pppiil");
        relu_mask_sum_per_channel_partial_bf16 = new Kernel(driver, "reduce", "relu_mask_sum_per_channel_partial_bf16", "pppiil");
        sum_per_channel_finish_f32 = new Kernel(driver, "reduce", "sum_per_channel_finish_f32", "pipi");
        sum_per_channel_finish_bf16 = new Kernel(driver, "reduce", "sum_per_channel_finish_bf16", "pipi");
        argmax_channels_f32 = new Kernel(driver, "reduce", "argmax_channels_f32", "ppiil");
        argmax_channels_bf16 = new Kernel(driver, "reduce", "argmax_channels_bf16", "ppiil");
        check_labels_i32 = new Kernel(driver, "reduce", "check_labels_i32", "piilpp");
        confusion_matrix_i32 = new Kernel(driver, "reduce", "confusion_matrix_i32", "pppiil");
    }

    /** How many times each kernel has been launched, by name. */
    Map<String, Long> launches() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("im2col_f32", im2col_f32.launches());
        m.put("im2col_bf16", im2col_bf16.launches());
        m.put("col2im_add_f32", col2im_add_f32.launches());
        m.put("add_f32", add_f32.launches());
        m.put("add_bf16", add_bf16.launches());
        m.put("scale_f32", scale_f32.launches());
        m.put("scale_bf16", scale_bf16.launches());
        m.put("relu_f32", relu_f32.launches());
        m.put("relu_bf16", relu_bf16.launches());
        m.put("relu_backward_f32", relu_backward_f32.launches());
        m.put("relu_backward_bf16", relu_backward_bf16.launches());
        m.put("add_channel_bias_f32", add_channel_bias_f32.launches());
        m.put("add_channel_bias_bf16", add_channel_bias_bf16.launches());
        m.put("add_channel_bias_relu_f32", add_channel_bias_relu_f32.launches());
        m.put("add_channel_bias_relu_bf16", add_channel_bias_relu_bf16.launches());
        m.put("crop_f32", crop_f32.launches());
        m.put("crop_bf16", crop_bf16.launches());
        m.put("crop_backward_f32", crop_backward_f32.launches());
        m.put("crop_backward_bf16", crop_backward_bf16.launches());
        m.put("dropout_f32", dropout_f32.launches());
        m.put("dropout_bf16", dropout_bf16.launches());
        m.put("broadcast_scalar_f32", broadcast_scalar_f32.launches());
        m.put("cast_f32_to_bf16", cast_f32_to_bf16.launches());
        m.put("cast_bf16_to_f32", cast_bf16_to_f32.launches());
        m.put("sgemm_nn", sgemm_nn.launches());
        m.put("sgemm_nt", sgemm_nt.launches());
        m.put("sgemm_tn", sgemm_tn.launches());
        m.put("sgemm_tt", sgemm_tt.launches());
        m.put("gemm_bf16_f32_nn", gemm_bf16_f32_nn.launches());
        m.put("gemm_bf16_f32_nt", gemm_bf16_f32_nt.launches());
        m.put("gemm_bf16_f32_tn", gemm_bf16_f32_tn.launches());
        m.put("gemm_bf16_f32_tt", gemm_bf16_f32_tt.launches());
        m.put("gemm_bf16_bf16_nn", gemm_bf16_bf16_nn.launches());
        m.put("gemm_bf16_bf16_nt", gemm_bf16_bf16_nt.launches());
        m.put("gemm_bf16_bf16_tn", gemm_bf16_bf16_tn.launches());
        m.put("gemm_bf16_bf16_tt", gemm_bf16_bf16_tt.launches());
        m.put("sgemm_tf32_nn", sgemm_tf32_nn.launches());
        m.put("sgemm_tf32_nt", sgemm_tf32_nt.launches());
        m.put("sgemm_tf32_tn", sgemm_tf32_tn.launches());
        m.put("sgemm_tf32_tt", sgemm_tf32_tt.launches());
        m.put("softmax_xent_f32", softmax_xent_f32.launches());
        m.put("class_weight_sum_partial_f32", class_weight_sum_partial_f32.launches());
        m.put("sgd_step_f32", sgd_step_f32.launches());
        m.put("adam_step_f32", adam_step_f32.launches());
        m.put("maxpool_forward_f32", maxpool_forward_f32.launches());
        m.put("maxpool_forward_bf16", maxpool_forward_bf16.launches());
        m.put("maxpool_backward_f32", maxpool_backward_f32.launches());
        m.put("maxpool_backward_bf16", maxpool_backward_bf16.launches());
        m.put("pad_neg_inf_f32", pad_neg_inf_f32.launches());
        m.put("pad_neg_inf_bf16", pad_neg_inf_bf16.launches());
        m.put("sum_partial_f32", sum_partial_f32.launches());
        m.put("sum_finish_f32", sum_finish_f32.launches());
        m.put("sum_per_channel_partial_f32", sum_per_channel_partial_f32.launches());
        m.put("sum_per_channel_partial_bf16", sum_per_channel_partial_bf16.launches());
        m.put("relu_mask_sum_per_channel_partial_f32", relu_mask_sum_per_channel_partial_f32.launches());
        m.put("relu_mask_sum_per_channel_partial_bf16", relu_mask_sum_per_channel_partial_bf16.launches());
        m.put("sum_per_channel_finish_f32", sum_per_channel_finish_f32.launches());
        m.put("sum_per_channel_finish_bf16", sum_per_channel_finish_bf16.launches());
        m.put("argmax_channels_f32", argmax_channels_f32.launches());
        m.put("argmax_channels_bf16", argmax_channels_bf16.launches());
        m.put("check_labels_i32", check_labels_i32.launches());
        m.put("confusion_matrix_i32", confusion_matrix_i32.launches());
        return m;
    }

    /** conv.cu: {@code im2col_f32(const float*x, float*col, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc)} */
    void im2col_f32(Grid grid, long x, long col, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc) {
        im2col_f32.ptr(0, x).ptr(1, col).i32(2, cin).i32(3, h).i32(4, w).i32(5, kh).i32(6, kw).i32(7, sh).i32(8, sw).i32(9, ph).i32(10, pw).i32(11, wo).i64(12, p0).i64(13, pc).launch(grid);
    }

    /** conv.cu: {@code im2col_bf16(const bf16*x, bf16*col, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc)} */
    void im2col_bf16(Grid grid, long x, long col, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc) {
        im2col_bf16.ptr(0, x).ptr(1, col).i32(2, cin).i32(3, h).i32(4, w).i32(5, kh).i32(6, kw).i32(7, sh).i32(8, sw).i32(9, ph).i32(10, pw).i32(11, wo).i64(12, p0).i64(13, pc).launch(grid);
    }

    /** conv.cu: {@code col2im_add_f32(const float*col, float*gx, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc)} */
    void col2im_add_f32(Grid grid, long col, long gx, int cin, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int wo, long p0, long pc) {
        col2im_add_f32.ptr(0, col).ptr(1, gx).i32(2, cin).i32(3, h).i32(4, w).i32(5, kh).i32(6, kw).i32(7, sh).i32(8, sw).i32(9, ph).i32(10, pw).i32(11, wo).i64(12, p0).i64(13, pc).launch(grid);
    }

    /** elementwise.cu: {@code add_f32(const float*a, const float*b, float*y, long n)} */
    void add_f32(Grid grid, long a, long b, long y, long n) {
        add_f32.ptr(0, a).ptr(1, b).ptr(2, y).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code add_bf16(const bf16*a, const bf16*b, bf16*y, long n)} */
    void add_bf16(Grid grid, long a, long b, long y, long n) {
        add_bf16.ptr(0, a).ptr(1, b).ptr(2, y).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code scale_f32(const float*x, float s, float*y, long n)} */
    void scale_f32(Grid grid, long x, float s, long y, long n) {
        scale_f32.ptr(0, x).f32(1, s).ptr(2, y).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code scale_bf16(const bf16*x, float s, bf16*y, long n)} */
    void scale_bf16(Grid grid, long x, float s, long y, long n) {
        scale_bf16.ptr(0, x).f32(1, s).ptr(2, y).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code relu_f32(const float*x, float*y, long n)} */
    void relu_f32(Grid grid, long x, long y, long n) {
        relu_f32.ptr(0, x).ptr(1, y).i64(2, n).launch(grid);
    }

    /** elementwise.cu: {@code relu_bf16(const bf16*x, bf16*y, long n)} */
    void relu_bf16(Grid grid, long x, long y, long n) {
        relu_bf16.ptr(0, x).ptr(1, y).i64(2, n).launch(grid);
    }

    /** elementwise.cu: {@code relu_backward_f32(const float*gy, const float*y, float*gx, long n)} */
    void relu_backward_f32(Grid grid, long gy, long y, long gx, long n) {
        relu_backward_f32.ptr(0, gy).ptr(1, y).ptr(2, gx).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code relu_backward_bf16(const bf16*gy, const bf16*y, bf16*gx, long n)} */
    void relu_backward_bf16(Grid grid, long gy, long y, long gx, long n) {
        relu_backward_bf16.ptr(0, gy).ptr(1, y).ptr(2, gx).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code add_channel_bias_f32(const float*x, const float*b, float*y, int channels, long plane, long n)} */
    void add_channel_bias_f32(Grid grid, long x, long b, long y, int channels, long plane, long n) {
        add_channel_bias_f32.ptr(0, x).ptr(1, b).ptr(2, y).i32(3, channels).i64(4, plane).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code add_channel_bias_bf16(const bf16*x, const bf16*b, bf16*y, int channels, long plane, long n)} */
    void add_channel_bias_bf16(Grid grid, long x, long b, long y, int channels, long plane, long n) {
        add_channel_bias_bf16.ptr(0, x).ptr(1, b).ptr(2, y).i32(3, channels).i64(4, plane).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code add_channel_bias_relu_f32(const float*x, const float*b, float*y, int channels, long plane, long n)} */
    void add_channel_bias_relu_f32(Grid grid, long x, long b, long y, int channels, long plane, long n) {
        add_channel_bias_relu_f32.ptr(0, x).ptr(1, b).ptr(2, y).i32(3, channels).i64(4, plane).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code add_channel_bias_relu_bf16(const bf16*x, const bf16*b, bf16*y, int channels, long plane, long n)} */
    void add_channel_bias_relu_bf16(Grid grid, long x, long b, long y, int channels, long plane, long n) {
        add_channel_bias_relu_bf16.ptr(0, x).ptr(1, b).ptr(2, y).i32(3, channels).i64(4, plane).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code crop_f32(const float*x, float*y, int inH, int inW, int offH, int offW, int outH, int outW, long total)} */
    void crop_f32(Grid grid, long x, long y, int inH, int inW, int offH, int offW, int outH, int outW, long total) {
        crop_f32.ptr(0, x).ptr(1, y).i32(2, inH).i32(3, inW).i32(4, offH).i32(5, offW).i32(6, outH).i32(7, outW).i64(8, total).launch(grid);
    }

    /** elementwise.cu: {@code crop_bf16(const bf16*x, bf16*y, int inH, int inW, int offH, int offW, int outH, int outW, long total)} */
    void crop_bf16(Grid grid, long x, long y, int inH, int inW, int offH, int offW, int outH, int outW, long total) {
        crop_bf16.ptr(0, x).ptr(1, y).i32(2, inH).i32(3, inW).i32(4, offH).i32(5, offW).i32(6, outH).i32(7, outW).i64(8, total).launch(grid);
    }

    /** elementwise.cu: {@code crop_backward_f32(const float*gy, float*gx, int inH, int inW, int offH, int offW, int outH, int outW, long total)} */
    void crop_backward_f32(Grid grid, long gy, long gx, int inH, int inW, int offH, int offW, int outH, int outW, long total) {
        crop_backward_f32.ptr(0, gy).ptr(1, gx).i32(2, inH).i32(3, inW).i32(4, offH).i32(5, offW).i32(6, outH).i32(7, outW).i64(8, total).launch(grid);
    }

    /** elementwise.cu: {@code crop_backward_bf16(const bf16*gy, bf16*gx, int inH, int inW, int offH, int offW, int outH, int outW, long total)} */
    void crop_backward_bf16(Grid grid, long gy, long gx, int inH, int inW, int offH, int offW, int outH, int outW, long total) {
        crop_backward_bf16.ptr(0, gy).ptr(1, gx).i32(2, inH).i32(3, inW).i32(4, offH).i32(5, offW).i32(6, outH).i32(7, outW).i64(8, total).launch(grid);
    }

    /** elementwise.cu: {@code dropout_f32(const float*x, float*y, float p, float scale, unsigned long long seed, long n)} */
    void dropout_f32(Grid grid, long x, long y, float p, float scale, long seed, long n) {
        dropout_f32.ptr(0, x).ptr(1, y).f32(2, p).f32(3, scale).i64(4, seed).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code dropout_bf16(const bf16*x, bf16*y, float p, float scale, unsigned long long seed, long n)} */
    void dropout_bf16(Grid grid, long x, long y, float p, float scale, long seed, long n) {
        dropout_bf16.ptr(0, x).ptr(1, y).f32(2, p).f32(3, scale).i64(4, seed).i64(5, n).launch(grid);
    }

    /** elementwise.cu: {@code broadcast_scalar_f32(const float*s, float scale, float*y, long n)} */
    void broadcast_scalar_f32(Grid grid, long s, float scale, long y, long n) {
        broadcast_scalar_f32.ptr(0, s).f32(1, scale).ptr(2, y).i64(3, n).launch(grid);
    }

    /** elementwise.cu: {@code cast_f32_to_bf16(const float*x, bf16*y, long n)} */
    void cast_f32_to_bf16(Grid grid, long x, long y, long n) {
        cast_f32_to_bf16.ptr(0, x).ptr(1, y).i64(2, n).launch(grid);
    }

    /** elementwise.cu: {@code cast_bf16_to_f32(const bf16*x, float*y, long n)} */
    void cast_bf16_to_f32(Grid grid, long x, long y, long n) {
        cast_bf16_to_f32.ptr(0, x).ptr(1, y).i64(2, n).launch(grid);
    }

    /** gemm.cu: {@code sgemm_nn(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_nn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_nn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm.cu: {@code sgemm_nt(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_nt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_nt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm.cu: {@code sgemm_tn(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm.cu: {@code sgemm_tt(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_f32_nn(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, float*C, int ldc)} */
    void gemm_bf16_f32_nn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_f32_nn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_f32_nt(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, float*C, int ldc)} */
    void gemm_bf16_f32_nt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_f32_nt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_f32_tn(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, float*C, int ldc)} */
    void gemm_bf16_f32_tn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_f32_tn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_f32_tt(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, float*C, int ldc)} */
    void gemm_bf16_f32_tt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_f32_tt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_bf16_nn(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, bf16*C, int ldc)} */
    void gemm_bf16_bf16_nn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_bf16_nn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_bf16_nt(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, bf16*C, int ldc)} */
    void gemm_bf16_bf16_nt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_bf16_nt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_bf16_tn(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, bf16*C, int ldc)} */
    void gemm_bf16_bf16_tn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_bf16_tn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_bf16.cu: {@code gemm_bf16_bf16_tt(int M, int N, int K, float alpha, const bf16*A, int lda, const bf16*B, int ldb, float beta, bf16*C, int ldc)} */
    void gemm_bf16_bf16_tt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        gemm_bf16_bf16_tt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_tf32.cu: {@code sgemm_tf32_nn(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tf32_nn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tf32_nn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_tf32.cu: {@code sgemm_tf32_nt(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tf32_nt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tf32_nt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_tf32.cu: {@code sgemm_tf32_tn(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tf32_tn(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tf32_tn.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** gemm_tf32.cu: {@code sgemm_tf32_tt(int M, int N, int K, float alpha, const float*A, int lda, const float*B, int ldb, float beta, float*C, int ldc)} */
    void sgemm_tf32_tt(Grid grid, int M, int N, int K, float alpha, long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        sgemm_tf32_tt.i32(0, M).i32(1, N).i32(2, K).f32(3, alpha).ptr(4, A).i32(5, lda).ptr(6, B).i32(7, ldb).f32(8, beta).ptr(9, C).i32(10, ldc).launch(grid);
    }

    /** loss.cu: {@code softmax_xent_f32(const float*z, const int*labels, const float*weights, float*grad, double*partial, int n, int channels, long plane, int ignore, float scale)} */
    void softmax_xent_f32(Grid grid, long z, long labels, long weights, long grad, long partial, int n, int channels, long plane, int ignore, float scale) {
        softmax_xent_f32.ptr(0, z).ptr(1, labels).ptr(2, weights).ptr(3, grad).ptr(4, partial).i32(5, n).i32(6, channels).i64(7, plane).i32(8, ignore).f32(9, scale).launch(grid);
    }

    /** loss.cu: {@code class_weight_sum_partial_f32(const int*labels, const float*weights, int ignore, long n, double*partial)} */
    void class_weight_sum_partial_f32(Grid grid, long labels, long weights, int ignore, long n, long partial) {
        class_weight_sum_partial_f32.ptr(0, labels).ptr(1, weights).i32(2, ignore).i64(3, n).ptr(4, partial).launch(grid);
    }

    /** optim.cu: {@code sgd_step_f32(float*w, const float*g, float*v, float lr, float momentum, float wd, long n)} */
    void sgd_step_f32(Grid grid, long w, long g, long v, float lr, float momentum, float wd, long n) {
        sgd_step_f32.ptr(0, w).ptr(1, g).ptr(2, v).f32(3, lr).f32(4, momentum).f32(5, wd).i64(6, n).launch(grid);
    }

    /** optim.cu: {@code adam_step_f32(float*w, const float*g, float*m, float*v, float b1, float b2, float eps, float wd, float step_size, float inv_sqrt_bc2, long n)} */
    void adam_step_f32(Grid grid, long w, long g, long m, long v, float b1, float b2, float eps, float wd, float step_size, float inv_sqrt_bc2, long n) {
        adam_step_f32.ptr(0, w).ptr(1, g).ptr(2, m).ptr(3, v).f32(4, b1).f32(5, b2).f32(6, eps).f32(7, wd).f32(8, step_size).f32(9, inv_sqrt_bc2).i64(10, n).launch(grid);
    }

    /** pool.cu: {@code maxpool_forward_f32(const float*x, float*y, int*idx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw)} */
    void maxpool_forward_f32(Grid grid, long x, long y, long idx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        maxpool_forward_f32.ptr(0, x).ptr(1, y).ptr(2, idx).i64(3, planes).i32(4, h).i32(5, w).i32(6, oh).i32(7, ow).i32(8, kh).i32(9, kw).i32(10, sh).i32(11, sw).i32(12, ph).i32(13, pw).launch(grid);
    }

    /** pool.cu: {@code maxpool_forward_bf16(const bf16*x, bf16*y, int*idx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw)} */
    void maxpool_forward_bf16(Grid grid, long x, long y, long idx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        maxpool_forward_bf16.ptr(0, x).ptr(1, y).ptr(2, idx).i64(3, planes).i32(4, h).i32(5, w).i32(6, oh).i32(7, ow).i32(8, kh).i32(9, kw).i32(10, sh).i32(11, sw).i32(12, ph).i32(13, pw).launch(grid);
    }

    /** pool.cu: {@code maxpool_backward_f32(const float*gy, const int*idx, float*gx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw)} */
    void maxpool_backward_f32(Grid grid, long gy, long idx, long gx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        maxpool_backward_f32.ptr(0, gy).ptr(1, idx).ptr(2, gx).i64(3, planes).i32(4, h).i32(5, w).i32(6, oh).i32(7, ow).i32(8, kh).i32(9, kw).i32(10, sh).i32(11, sw).i32(12, ph).i32(13, pw).launch(grid);
    }

    /** pool.cu: {@code maxpool_backward_bf16(const bf16*gy, const int*idx, bf16*gx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw)} */
    void maxpool_backward_bf16(Grid grid, long gy, long idx, long gx, long planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        maxpool_backward_bf16.ptr(0, gy).ptr(1, idx).ptr(2, gx).i64(3, planes).i32(4, h).i32(5, w).i32(6, oh).i32(7, ow).i32(8, kh).i32(9, kw).i32(10, sh).i32(11, sw).i32(12, ph).i32(13, pw).launch(grid);
    }

    /** pool.cu: {@code pad_neg_inf_f32(const float*x, float*y, long planes, int h, int w, int padded_h, int padded_w)} */
    void pad_neg_inf_f32(Grid grid, long x, long y, long planes, int h, int w, int padded_h, int padded_w) {
        pad_neg_inf_f32.ptr(0, x).ptr(1, y).i64(2, planes).i32(3, h).i32(4, w).i32(5, padded_h).i32(6, padded_w).launch(grid);
    }

    /** pool.cu: {@code pad_neg_inf_bf16(const bf16*x, bf16*y, long planes, int h, int w, int padded_h, int padded_w)} */
    void pad_neg_inf_bf16(Grid grid, long x, long y, long planes, int h, int w, int padded_h, int padded_w) {
        pad_neg_inf_bf16.ptr(0, x).ptr(1, y).i64(2, planes).i32(3, h).i32(4, w).i32(5, padded_h).i32(6, padded_w).launch(grid);
    }

    /** reduce.cu: {@code sum_partial_f32(const float*x, double*partial, long n)} */
    void sum_partial_f32(Grid grid, long x, long partial, long n) {
        sum_partial_f32.ptr(0, x).ptr(1, partial).i64(2, n).launch(grid);
    }

    /** reduce.cu: {@code sum_finish_f32(const double*partial, int count, double scale, float*out)} */
    void sum_finish_f32(Grid grid, long partial, int count, double scale, long out) {
        sum_finish_f32.ptr(0, partial).i32(1, count).f64(2, scale).ptr(3, out).launch(grid);
    }

    /** reduce.cu: {@code sum_per_channel_partial_f32(const float*x, double*partial, int n, int channels, long plane)} */
    void sum_per_channel_partial_f32(Grid grid, long x, long partial, int n, int channels, long plane) {
        sum_per_channel_partial_f32.ptr(0, x).ptr(1, partial).i32(2, n).i32(3, channels).i64(4, plane).launch(grid);
    }

    /** reduce.cu: {@code sum_per_channel_partial_bf16(const bf16*x, double*partial, int n, int channels, long plane)} */
    void sum_per_channel_partial_bf16(Grid grid, long x, long partial, int n, int channels, long plane) {
        sum_per_channel_partial_bf16.ptr(0, x).ptr(1, partial).i32(2, n).i32(3, channels).i64(4, plane).launch(grid);
    }

    /** reduce.cu: {@code relu_mask_sum_per_channel_partial_f32(float*gy, const float*y, double*partial, int n, int channels, long plane)} */
    void relu_mask_sum_per_channel_partial_f32(Grid grid, long gy, long y, long partial, int n, int channels, long plane) {
        relu_mask_sum_per_channel_partial_f32.ptr(0, gy).ptr(1, y).ptr(2, partial).i32(3, n).i32(4, channels).i64(5, plane).launch(grid);
    }

    /** reduce.cu: {@code relu_mask_sum_per_channel_partial_bf16(bf16*gy, const bf16*y, double*partial, int n, int channels, long plane)} */
    void relu_mask_sum_per_channel_partial_bf16(Grid grid, long gy, long y, long partial, int n, int channels, long plane) {
        relu_mask_sum_per_channel_partial_bf16.ptr(0, gy).ptr(1, y).ptr(2, partial).i32(3, n).i32(4, channels).i64(5, plane).launch(grid);
    }

    /** reduce.cu: {@code sum_per_channel_finish_f32(const double*partial, int slices, float*out, int channels)} */
    void sum_per_channel_finish_f32(Grid grid, long partial, int slices, long out, int channels) {
        sum_per_channel_finish_f32.ptr(0, partial).i32(1, slices).ptr(2, out).i32(3, channels).launch(grid);
    }

    /** reduce.cu: {@code sum_per_channel_finish_bf16(const double*partial, int slices, bf16*out, int channels)} */
    void sum_per_channel_finish_bf16(Grid grid, long partial, int slices, long out, int channels) {
        sum_per_channel_finish_bf16.ptr(0, partial).i32(1, slices).ptr(2, out).i32(3, channels).launch(grid);
    }

    /** reduce.cu: {@code argmax_channels_f32(const float*x, int*out, int n, int channels, long plane)} */
    void argmax_channels_f32(Grid grid, long x, long out, int n, int channels, long plane) {
        argmax_channels_f32.ptr(0, x).ptr(1, out).i32(2, n).i32(3, channels).i64(4, plane).launch(grid);
    }

    /** reduce.cu: {@code argmax_channels_bf16(const bf16*x, int*out, int n, int channels, long plane)} */
    void argmax_channels_bf16(Grid grid, long x, long out, int n, int channels, long plane) {
        argmax_channels_bf16.ptr(0, x).ptr(1, out).i32(2, n).i32(3, channels).i64(4, plane).launch(grid);
    }

    /** reduce.cu: {@code check_labels_i32(const int*labels, int classes, int ignore, long n, unsigned long long*first_bad, unsigned long long*used)} */
    void check_labels_i32(Grid grid, long labels, int classes, int ignore, long n, long first_bad, long used) {
        check_labels_i32.ptr(0, labels).i32(1, classes).i32(2, ignore).i64(3, n).ptr(4, first_bad).ptr(5, used).launch(grid);
    }

    /** reduce.cu: {@code confusion_matrix_i32(const int*pred, const int*labels, int*counts, int classes, int ignore, long n)} */
    void confusion_matrix_i32(Grid grid, long pred, long labels, long counts, int classes, int ignore, long n) {
        confusion_matrix_i32.ptr(0, pred).ptr(1, labels).ptr(2, counts).i32(3, classes).i32(4, ignore).i64(5, n).launch(grid);
    }
}
