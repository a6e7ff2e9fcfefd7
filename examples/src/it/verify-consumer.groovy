// Checks the output of examples/consumer's run (build.log of `mvn compile exec:exec` in target/it/consumer):
// org.example.FirstModel trained five steps with finite losses, saved the model, read it back and printed
// its configuration and its layers. Any failed check fails the build.
def log = new File(buildLog).getText('UTF-8').readLines()

def steps = log.findAll { it ==~ /step \d+: loss .*/ }
assert steps.size() == 5 : "five training steps printed, got ${steps}"
steps.eachWithIndex { line, i ->
    def m = line =~ /^step (\d+): loss (\d+\.\d{4})$/
    assert m.matches() : "a step line with a finite loss: '${line}'"
    assert m.group(1) as int == i + 1 : "steps in order: '${line}'"
}
def loss = { String line -> (line =~ /loss (\S+)$/)[0][1] as double }
assert loss(steps[-1]) < loss(steps[0]) : "training lowered the loss: ${steps}"

def config = '{"model":"fcn8s","num_classes":3,"width":0.0625,"learn_upsample":false,"preprocessing":"caffe","seed":1}'
assert log.contains(config) : "the configuration read back from the saved file: ${config}"
assert log.contains('Fcn8s(') : 'the loaded model printed: Fcn8s('
assert log.any { it ==~ /\s+\(upscore8\): ConvTranspose2d\(3, 3, kernel 16, stride 8x8, padding 0x0\)/ } : "FCN-8s's last layer printed"
assert log.contains('[INFO] BUILD SUCCESS')

println "consumer: ${steps.join('; ')}; ${config}"
return true
