package dev.pixelgrad.fcn.train;

/** The loss became NaN or infinite; training stopped before the bad step changed anything. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, float loss, String checkpointNote) {
        super("loss became " + loss + " at step " + step + "; training stopped. " + checkpointNote
                + " (A NaN usually means the learning rate is too high for this loss: the reference's tiny rates"
                + " such as 1e-10 are for the summed loss only.)");
        this.step = step;
    }

    public long step() {
        return step;
    }
}
