// Checks the output of examples/consumer's runs (build.log of `mvn compile exec:exec exec:exec@...` in
// target/it/consumer), one section per example, and that README.md's library snippet is TrainOnFolder's
// code, verbatim. Any failed check fails the build.
def log = new File(buildLog).getText('UTF-8').readLines()

// Maven heads each execution's output with "--- exec-maven-plugin:VERSION:exec (ID) @ pixelgrad-consumer ---".
def sections = [:]
def current = null
log.each { line ->
    def head = line =~ /--- exec(?:-maven-plugin)?:[^:]+:exec \(([^)]+)\) @/
    if (head.find()) {
        current = head.group(1)
        sections[current] = []
    } else if (current != null) {
        sections[current] << line
    }
}
['default-cli', 'tiny-segmentation', 'train-on-folder', 'predict'].each {
    assert sections.containsKey(it) : "the ${it} example ran (sections found: ${sections.keySet()})"
}
def loss = { String line -> (line =~ /loss (\S+)$/)[0][1] as double }
def mean = { List<Double> v -> v.sum() / v.size() }

// FirstModel: five steps with finite, falling losses; saved, loaded and printed.
def first = sections['default-cli']
def steps = first.findAll { it ==~ /step \d+: loss .*/ }
assert steps.size() == 5 : "five training steps printed, got ${steps}"
steps.eachWithIndex { line, i ->
    def m = line =~ /^step (\d+): loss (\d+\.\d{4})$/
    assert m.matches() : "a step line with a finite loss: '${line}'"
    assert m.group(1) as int == i + 1 : "steps in order: '${line}'"
}
assert loss(steps[-1]) < loss(steps[0]) : "training lowered the loss: ${steps}"
def config = '{"model":"fcn8s","num_classes":3,"width":0.0625,"learn_upsample":false,"preprocessing":"caffe","seed":1,"encoder":"vgg16","padding":"reference"}'
assert first.contains(config) : "the configuration read back from the saved file: ${config}"
assert first.contains('Fcn8s(') : 'the loaded model printed: Fcn8s('
assert first.any { it ==~ /\s+\(upscore8\): ConvTranspose2d\(3, 3, kernel 16, stride 8x8, padding 0x0\)/ } : "FCN-8s's last layer printed"

// TinySegmentation: the autograd engine alone learns; held-out pixel accuracy rises well above chance.
def tiny = sections['tiny-segmentation']
def accuracy = { String when -> (tiny.find { it.startsWith("pixel accuracy ${when}") } =~ /: (\S+)$/)[0][1] as double }
def before = accuracy('before')
def after = accuracy('after')
assert after > 0.9 && after > before + 0.2 : "TinySegmentation learned: pixel accuracy ${before} -> ${after}"

// TrainOnFolder: 40 steps on the folder data/, the loss falls, the validation scores are printed, saved.
def folder = sections['train-on-folder']
def folderLosses = folder.findAll { it ==~ /step \d+: loss \d+\.\d{4}/ }.collect { loss(it) }
assert folderLosses.size() == 40 : "40 training steps on data/, got ${folderLosses.size()}"
assert mean(folderLosses[-10..-1]) < 0.8 * mean(folderLosses[0..9]) : "the loss fell: ${folderLosses}"
def iouLine = folder.find { it.startsWith('mean IoU') }
assert iouLine != null : 'the validation scores printed'
def meanIoU = (iouLine =~ /(\d+\.\d+)%/)[0][1] as double
assert meanIoU > 0 && meanIoU <= 100 : "a mean IoU: ${iouLine}"
assert folder.contains('saved target/fcn8s.safetensors')

// Predict: a mask for each of the four validation images, its class shares adding up to 100%.
def masks = sections['predict'].findAll { it ==~ /val_\d+_mask\.png:.*/ }
assert masks.size() == 4 : "four masks written, got ${masks}"
masks.each { line ->
    def shares = (line =~ / (\d+\.\d)%/).collect { it[1] as double }
    assert Math.abs(shares.sum() - 100) < 0.5 : "class shares of one mask add up to 100%: '${line}'"
}
assert ['val_00000_mask.png', 'val_00000_overlay.png'].every { new File(new File(buildLog).parentFile, "target/predictions/${it}").isFile() }
assert log.contains('[INFO] BUILD SUCCESS')

// README.md's library snippet: its ```java block is a run of TrainOnFolder's lines, less their indent.
def readmeText = new File(readme).getText('UTF-8')
def block = (readmeText =~ /(?s)```java\n(.*?)```/)
assert block.find() : 'README.md has a ```java block'
def snippet = block.group(1).readLines()
def code = new File(trainOnFolder).getText('UTF-8').readLines().collect { it.startsWith('        ') ? it.substring(8) : it }
def at = (0..code.size() - snippet.size()).find { i -> code.subList(i, i + snippet.size()) == snippet }
assert at != null : "README.md's java snippet is not TrainOnFolder.java's code verbatim (less 8 spaces of indent)"

println "consumer: ${steps.join('; ')}; tiny ${before} -> ${after}; folder loss ${folderLosses[0]} -> ${folderLosses[-1]}, ${iouLine.trim()}; ${masks.size()} masks; README snippet at TrainOnFolder.java line ${at + 1}"
return true
