package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Conv2d;
import dev.pixelgrad.nn.ConvTranspose2d;

/**
 * FCN-32s: score the fc7 features (1/32 resolution), upsample 32x in one bilinear step (kernel 64,
 * stride 32), crop the window at offset 19 to the input's size.
 */
public final class Fcn32s extends Fcn {
    private final Conv2d scoreFr;
    private final ConvTranspose2d upscore;

    /**
     * Builds the net with fresh weights: the encoder, score_fr (zeros) and upscore (bilinear, kernel 64).
     *
     * @param config the configuration
     */
    public Fcn32s(FcnConfig config) {
        super(config);
        scoreFr = scoreLayer("score_fr", channels(4096));
        upscore = upsampleLayer("upscore", 32);
    }

    @Override
    public Variable forward(Variable x) {
        Variable score = scoreFr.forward(encode(x).fc7());
        return cropLike(upscore.forward(score), offset(19), x);
    }
}
