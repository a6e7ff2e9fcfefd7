package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma and Ba, 2015) with L2 weight decay added to the gradient, as torch.optim.Adam. Each
 * parameter counts its own steps (a parameter without a gradient in some step is not advanced).
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;

    /**
     * An Adam optimizer.
     *
     * @param groups       the parameter groups
     * @param learningRate the base learning rate
     * @param beta1        the decay rate of the first moment estimate (0.9 usually)
     * @param beta2        the decay rate of the second moment estimate (0.999 usually)
     * @param eps          added to the denominator, against division by zero (1e-8 usually)
     * @param weightDecay  the base L2 weight decay, added to the gradient
     */
    public Adam(List<ParamGroup> groups, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        super(groups, learningRate, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /**
     * The usual defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param groups       the parameter groups
     * @param learningRate the base learning rate
     */
    public Adam(List<ParamGroup> groups, float learningRate) {
        this(groups, learningRate, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", (double) learningRate);
        m.put("beta1", (double) beta1);
        m.put("beta2", (double) beta2);
        m.put("eps", (double) eps);
        m.put("weight_decay", (double) weightDecay);
        return m;
    }

    @Override
    protected Set<String> slotKinds() {
        return Set.of("m", "v", "step");
    }

    @Override
    protected void update(String name, Variable p, float lr, float decay) {
        // The step count lives in a one-element int32 tensor on the host, so it saves with the rest.
        Tensor count = slots.computeIfAbsent("step/" + name,
                k -> Tensor.zeros(Shape.of(1), DType.INT32, Device.CPU)
                        .detachFromScope());
        int t = ++count.hostInts()[0];
        Ops.adamStep(p.data(), p.grad(), slot("m", name, p), slot("v", name, p), lr, beta1, beta2, eps, decay, t);
    }
}
