package dev.pixelgrad.fcn.train;

/** The loss became NaN or infinite; training stopped before the bad step changed anything. */
public final class TrainingDivergedException extends RuntimeException {
    /** The step whose loss or parameters were not finite. */
    private final long step;

    /**
     * An error for the step that diverged.
     *
     * @param step           the step, from 1
     * @param loss           its loss (NaN or infinite), or NaN when a parameter diverged instead
     * @param checkpointNote what is wrong and which checkpoint is left, for the message
     */
    public TrainingDivergedException(long step, float loss, String checkpointNote) {
        super("loss became " + loss + " at step " + step + "; training stopped. " + checkpointNote
                + " (A NaN usually means the learning rate is too high for this loss: the reference's tiny rates"
                + " such as 1e-10 are for the summed loss only.)");
        this.step = step;
    }

    /**
     * The step that diverged; the checkpoint left is of an earlier step.
     *
     * @return the step, from 1
     */
    public long step() {
        return step;
    }
}
