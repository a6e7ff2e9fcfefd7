#!/usr/bin/env python3
"""Reads Pixelgrad's TensorBoard event files with Google's protobuf runtime, as TensorBoard would.

An independent check of fcn/train/TensorBoardWriter: the TFRecord framing is checked here (length,
data and both masked CRC-32Cs, with a CRC-32C computed in Python), and each record is parsed by the
protobuf library from message descriptors built below with the field numbers of TensorBoard's
event.proto and summary.proto (Event, Summary, Summary.Value, Summary.Image). Prints the scalars per
tag and the images; exits non-zero on the first bad record.

Needs Debian's protobuf runtime (apt-get install python3-protobuf), no TensorFlow or TensorBoard:
    /usr/bin/python3 tools/tensorboard/check_events.py RUN_DIR/tensorboard/events.out.tfevents.*
CI never runs this; CliTest and TensorBoardWriterTest check the files in Java.
"""
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def masked_crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    c ^= 0xFFFFFFFF
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def messages():
    f = descriptor_pb2.FileDescriptorProto(name="pixelgrad_check_events.proto", package="check")

    def add(msg, name, number, kind, type_name=None, repeated=False):
        field = msg.field.add(name=name, number=number, type=kind,
                              label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
        if type_name:
            field.type_name = type_name

    image = f.message_type.add(name="Image")
    add(image, "height", 1, F.TYPE_INT32)
    add(image, "width", 2, F.TYPE_INT32)
    add(image, "colorspace", 3, F.TYPE_INT32)
    add(image, "encoded_image_string", 4, F.TYPE_BYTES)
    value = f.message_type.add(name="Value")
    add(value, "tag", 1, F.TYPE_STRING)
    add(value, "simple_value", 2, F.TYPE_FLOAT)
    add(value, "image", 4, F.TYPE_MESSAGE, ".check.Image")
    summary = f.message_type.add(name="Summary")
    add(summary, "value", 1, F.TYPE_MESSAGE, ".check.Value", repeated=True)
    event = f.message_type.add(name="Event")
    add(event, "wall_time", 1, F.TYPE_DOUBLE)
    add(event, "step", 2, F.TYPE_INT64)
    add(event, "file_version", 3, F.TYPE_STRING)
    add(event, "summary", 5, F.TYPE_MESSAGE, ".check.Summary")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("check.Event"))


def main(paths):
    Event = messages()
    for path in paths:
        raw = open(path, "rb").read()
        at, scalars, images, first = 0, {}, [], None
        while at < len(raw):
            head = raw[at:at + 8]
            (length,) = struct.unpack("<Q", head)
            (length_crc,) = struct.unpack("<I", raw[at + 8:at + 12])
            if length_crc != masked_crc32c(head):
                sys.exit(f"{path}: record at byte {at}: bad length CRC")
            data = raw[at + 12:at + 12 + length]
            (data_crc,) = struct.unpack("<I", raw[at + 12 + length:at + 16 + length])
            if data_crc != masked_crc32c(data):
                sys.exit(f"{path}: record at byte {at}: bad data CRC")
            event = Event()
            event.ParseFromString(data)
            if first is None:
                first = event.file_version
            for v in event.summary.value:
                if v.HasField("image"):
                    images.append((v.tag, event.step, v.image.width, v.image.height,
                                   v.image.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"))
                else:
                    scalars.setdefault(v.tag, []).append((event.step, v.simple_value))
            at += 16 + length
        print(f"{path}: file_version {first!r}")
        for tag, points in scalars.items():
            print(f"  {tag}: {len(points)} points, steps {points[0][0]}..{points[-1][0]}, "
                  f"first {points[0][1]:.6g}, last {points[-1][1]:.6g}")
        for tag, step, w, h, png in images:
            print(f"  {tag} at step {step}: {w}x{h}, {'PNG' if png else 'NOT A PNG'}")


if __name__ == "__main__":
    main(sys.argv[1:])
