package dev.pixelgrad.fcn;

/**
 * FCN-8s trained in one stage from VGG16 ("at once"): the same net as {@link Fcn8s}, with pool4 scaled
 * by 0.01 and pool3 by 0.0001 before their score layers. The fixed scales bring the skip features to
 * the magnitude of the fc7 scores, which staged training otherwise reaches by learning.
 */
public final class Fcn8sAtOnce extends Fcn8s {
    /**
     * Builds the net with fresh weights, as {@link Fcn8s} does.
     *
     * @param config the configuration
     */
    public Fcn8sAtOnce(FcnConfig config) {
        super(config);
    }

    @Override
    protected float pool4Scale() {
        return 0.01f;
    }

    @Override
    protected float pool3Scale() {
        return 0.0001f;
    }
}
