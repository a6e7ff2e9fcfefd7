package dev.pixelgrad.kernels.cuda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernels of each PTX module and their parameter signatures (one letter per parameter, see
 * {@link Kernel}). Each line mirrors an {@code extern "C"} entry point in kernels/src/main/cuda.
 */
final class CudaKernels {
    private CudaKernels() {}

    private static final String[][] TABLE = {
        // module, kernel, signature
        {"elementwise", "add_f32", "pppl"},
        {"elementwise", "scale_f32", "pfpl"},
        {"elementwise", "relu_f32", "ppl"},
        {"elementwise", "relu_backward_f32", "pppl"},
        {"elementwise", "add_channel_bias_f32", "pppill"},
        {"elementwise", "crop_f32", "ppiiiiiil"},
        {"elementwise", "crop_backward_f32", "ppiiiiiil"},
        {"elementwise", "dropout_f32", "ppffll"},
        {"elementwise", "broadcast_scalar_f32", "pfpl"},
        {"optim", "sgd_step_f32", "pppfffl"},
        {"optim", "adam_step_f32", "ppppffffffl"},
        {"reduce", "sum_partial_f32", "ppl"},
        {"reduce", "sum_finish_f32", "pidp"},
        {"reduce", "sum_per_channel_f32", "ppiil"},
        {"reduce", "argmax_channels_f32", "ppiil"},
        {"reduce", "check_labels_i32", "piilpp"},
        {"reduce", "confusion_matrix_i32", "pppiil"},
        {"loss", "softmax_xent_f32", "ppppiilif"},
        {"pool", "maxpool_forward_f32", "pppliiiiiiiiii"},
        {"pool", "maxpool_backward_f32", "pppliiiiiiiiii"},
        {"pool", "pad_neg_inf_f32", "ppliiii"},
        {"conv", "im2col_f32", "ppiiiiiiiiiill"},
        {"conv", "col2im_add_f32", "ppiiiiiiiiiill"},
        {"gemm", "sgemm_nn", "iiifpipifpi"},
        {"gemm", "sgemm_nt", "iiifpipifpi"},
        {"gemm", "sgemm_tn", "iiifpipifpi"},
        {"gemm", "sgemm_tt", "iiifpipifpi"},
    };

    static Map<String, String> signaturesOf(String module) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] row : TABLE) {
            if (row[0].equals(module)) {
                m.put(row[1], row[2]);
            }
        }
        return m;
    }

    static String[][] table() {
        return TABLE.clone();
    }
}
