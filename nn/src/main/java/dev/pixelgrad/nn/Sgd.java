package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Ops;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, in Caffe's form:
 * v = momentum v + lr (g + decay w); w -= v. With a fixed learning rate this is PyTorch's SGD with the
 * velocity scaled by lr. The reference FCN trains with momentum 0.99 and weight decay 5e-4.
 */
public final class Sgd extends Optimizer {
    private final float momentum;

    /**
     * An SGD optimizer.
     *
     * @param groups       the parameter groups
     * @param learningRate the base learning rate
     * @param momentum     the fraction of the last update kept (0.99 in the reference FCN)
     * @param weightDecay  the base L2 weight decay (5e-4 in the reference FCN)
     */
    public Sgd(List<ParamGroup> groups, float learningRate, float momentum, float weightDecay) {
        super(groups, learningRate, weightDecay);
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", (double) learningRate);
        m.put("momentum", (double) momentum);
        m.put("weight_decay", (double) weightDecay);
        return m;
    }

    @Override
    protected Set<String> slotKinds() {
        return Set.of("momentum");
    }

    @Override
    protected void update(String name, Variable p, float lr, float decay) {
        Ops.sgdStep(p.data(), p.grad(), slot("momentum", name, p), lr, momentum, decay);
    }
}
