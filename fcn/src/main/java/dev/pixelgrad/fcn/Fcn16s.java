package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Conv2d;
import dev.pixelgrad.nn.ConvTranspose2d;

/**
 * FCN-16s: upsample the fc7 scores 2x, add the scores of pool4 (cropped at offset 5 to match), then
 * upsample 16x (kernel 32, stride 16) and crop at offset 27. Trained from a trained FCN-32s.
 */
public final class Fcn16s extends Fcn {
    private final Conv2d scoreFr;
    private final ConvTranspose2d upscore2;
    private final Conv2d scorePool4;
    private final ConvTranspose2d upscore16;

    /**
     * Builds the net with fresh weights: the encoder, score_fr and score_pool4 (zeros), upscore2 and
     * upscore16 (bilinear).
     *
     * @param config the configuration
     */
    public Fcn16s(FcnConfig config) {
        super(config);
        scoreFr = scoreLayer("score_fr", channels(4096));
        upscore2 = upsampleLayer("upscore2", 2);
        scorePool4 = scoreLayer("score_pool4", channels(512));
        upscore16 = upsampleLayer("upscore16", 16);
    }

    @Override
    public Variable forward(Variable x) {
        Encoded e = encode(x);
        Variable up2 = upscore2.forward(scoreFr.forward(e.fc7()));
        Variable pool4Score = cropLike(scorePool4.forward(e.pool4()), offset(5), up2);
        Variable fused = F.add(up2, pool4Score);
        return cropLike(upscore16.forward(fused), offset(27), x);
    }
}
