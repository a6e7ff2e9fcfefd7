package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Conv2d;
import dev.pixelgrad.nn.ConvTranspose2d;

/**
 * FCN-8s: as FCN-16s, then upsample the fused map 2x more, add the scores of pool3 (cropped at offset
 * 9), upsample 8x (kernel 16, stride 8) and crop at offset 31. The staged model, trained from FCN-16s.
 */
public class Fcn8s extends Fcn {
    private final Conv2d scoreFr;
    private final ConvTranspose2d upscore2;
    private final Conv2d scorePool4;
    private final ConvTranspose2d upscorePool4;
    private final Conv2d scorePool3;
    private final ConvTranspose2d upscore8;

    /**
     * Builds the net with fresh weights: the encoder, score_fr, score_pool4 and score_pool3 (zeros),
     * upscore2, upscore_pool4 and upscore8 (bilinear).
     *
     * @param config the configuration
     */
    public Fcn8s(FcnConfig config) {
        super(config);
        scoreFr = scoreLayer("score_fr", channels(4096));
        upscore2 = upsampleLayer("upscore2", 2);
        scorePool4 = scoreLayer("score_pool4", channels(512));
        upscorePool4 = upsampleLayer("upscore_pool4", 2);
        scorePool3 = scoreLayer("score_pool3", channels(256));
        upscore8 = upsampleLayer("upscore8", 8);
    }

    /**
     * Factor applied to pool4 before its score layer: 1 here, 0.01 in the at-once variant.
     *
     * @return the factor
     */
    protected float pool4Scale() {
        return 1f;
    }

    /**
     * Factor applied to pool3 before its score layer: 1 here, 0.0001 in the at-once variant.
     *
     * @return the factor
     */
    protected float pool3Scale() {
        return 1f;
    }

    @Override
    public Variable forward(Variable x) {
        Encoded e = encode(x);
        Variable up2 = upscore2.forward(scoreFr.forward(e.fc7()));
        Variable pool4 = pool4Scale() == 1f ? e.pool4() : F.scale(e.pool4(), pool4Scale());
        Variable fuse4 = F.add(up2, cropLike(scorePool4.forward(pool4), offset(5), up2));
        Variable upPool4 = upscorePool4.forward(fuse4);
        Variable pool3 = pool3Scale() == 1f ? e.pool3() : F.scale(e.pool3(), pool3Scale());
        Variable fuse3 = F.add(upPool4, cropLike(scorePool3.forward(pool3), offset(9), upPool4));
        return cropLike(upscore8.forward(fuse3), offset(31), x);
    }
}
