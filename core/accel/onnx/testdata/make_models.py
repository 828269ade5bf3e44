#!/usr/bin/env python3
"""Writes the ONNX models the onnx package's tests read, with Debian's
python3-onnx helper API, and their expected MACs (computed here, from the
shapes, independently of the Go reader) into expected.json.

  /usr/bin/python3 make_models.py    # Debian's python3 with python3-onnx, in this folder; rewrites the .onnx and .json files

mobilenetv2_tiny.onnx: a MobileNetV2-style network on 1x3x32x32 (stem conv
with asymmetric SAME padding, inverted residual blocks with depthwise
convs, residual Adds, BatchNormalization, Clip(0, 6), a 1x1 head,
GlobalAveragePool, Flatten, Gemm), as torch.onnx.export writes one (opset 13).
pools_matmul.onnx: Conv, MaxPool (ceil mode), AveragePool, Reshape to
N x features through a Constant, MatMul, Relu.
"""
import json
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(7)
expected = {}


def weight(name, shape, inits):
    inits.append(numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), name))
    return name


def conv_out(x, k, s, lo, hi):
    return (x + lo + hi - k) // s + 1


class Builder:
    def __init__(self):
        self.nodes, self.inits, self.macs, self.layers, self.n = [], [], 0, [], 0

    def name(self, p):
        self.n += 1
        return f"{p}{self.n}"

    def conv(self, x, shape, cout, k, s, group=1, pads=None, auto_pad=None):
        n, c, h, w = shape
        name = self.name("conv")
        wn = weight(name + ".w", (cout, c // group, k, k), self.inits)
        attrs = dict(kernel_shape=[k, k], strides=[s, s], group=group)
        if auto_pad:
            attrs["auto_pad"] = auto_pad
            total = max(0, ((h + s - 1) // s - 1) * s + k - h)
            lo, hi = total // 2, total - total // 2
        else:
            pads = pads or [k // 2] * 4
            attrs["pads"] = pads
            lo, hi = pads[0], pads[2]
        out = name + ".out"
        self.nodes.append(helper.make_node("Conv", [x, wn], [out], name=name, **attrs))
        p, q = conv_out(h, k, s, lo, hi), conv_out(w, k, s, lo, hi)
        macs = n * cout * p * q * (c // group) * k * k
        self.macs += macs
        self.layers.append({"name": name, "macs": macs})
        return out, (n, cout, p, q)

    def bn(self, x, shape):
        c = shape[1]
        name = self.name("bn")
        ins = [x] + [weight(f"{name}.{p}", (c,), self.inits) for p in ("scale", "bias", "mean")]
        var = f"{name}.var"
        self.inits.append(numpy_helper.from_array(np.ones(c, np.float32), var))
        self.nodes.append(helper.make_node("BatchNormalization", ins + [var], [name + ".out"], name=name))
        return name + ".out"

    def relu6(self, x):
        name = self.name("clip")
        lo, hi = name + ".min", name + ".max"
        self.inits += [numpy_helper.from_array(np.array(0, np.float32), lo), numpy_helper.from_array(np.array(6, np.float32), hi)]
        self.nodes.append(helper.make_node("Clip", [x, lo, hi], [name + ".out"], name=name))
        return name + ".out"


def mobilenet():
    b = Builder()
    shape = (1, 3, 32, 32)
    x, shape = b.conv("input", shape, 16, 3, 2, auto_pad="SAME_UPPER")  # 32 -> 16, pads 0/1
    x = b.relu6(b.bn(x, shape))
    # (expansion t, channels c, repeats n, stride s), MobileNetV2's table scaled down.
    for t, c, n, s in [(1, 8, 1, 1), (6, 12, 2, 2), (6, 16, 2, 2), (6, 24, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            cin = shape[1]
            y, ys = x, shape
            if t != 1:
                y, ys = b.conv(y, ys, cin * t, 1, 1, pads=[0, 0, 0, 0])
                y = b.relu6(b.bn(y, ys))
            y, ys = b.conv(y, ys, ys[1], 3, stride, group=ys[1])
            y = b.relu6(b.bn(y, ys))
            y, ys = b.conv(y, ys, c, 1, 1, pads=[0, 0, 0, 0])
            y = b.bn(y, ys)
            if stride == 1 and cin == c:
                name = b.name("add")
                b.nodes.append(helper.make_node("Add", [x, y], [name + ".out"], name=name))
                y = name + ".out"
            x, shape = y, ys
    x, shape = b.conv(x, shape, 64, 1, 1, pads=[0, 0, 0, 0])
    x = b.relu6(b.bn(x, shape))
    b.nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
    b.nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    wn = weight("fc.w", (10, 64), b.inits)
    bias = weight("fc.b", (10,), b.inits)
    b.nodes.append(helper.make_node("Gemm", ["flat", wn, bias], ["logits"], name="fc", transB=1))
    b.macs += 64 * 10
    b.layers.append({"name": "fc", "macs": 640})
    return b, "mobilenetv2_tiny", [1, 3, 32, 32], [1, 10]


def pools():
    b = Builder()
    x, shape = b.conv("input", (1, 1, 28, 28), 8, 5, 1, pads=[2, 2, 2, 2])
    b.nodes.append(helper.make_node("Relu", [x], ["r1"], name="relu1"))
    b.nodes.append(helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1))
    p = (28 - 3 + 1) // 2 + 1  # ceil mode: 14
    x, shape = b.conv("p1", (1, 8, p, p), 16, 3, 1, pads=[1, 1, 1, 1])
    b.nodes.append(helper.make_node("AveragePool", [x], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]))
    p2 = (p - 2) // 2 + 1
    b.nodes.append(helper.make_node("Constant", [], ["shape"], name="shape",
                                    value=numpy_helper.from_array(np.array([1, -1], np.int64))))
    b.nodes.append(helper.make_node("Reshape", ["p2", "shape"], ["flat"], name="reshape"))
    f = 16 * p2 * p2
    wn = weight("fc.w", (f, 10), b.inits)
    b.nodes.append(helper.make_node("MatMul", ["flat", wn], ["logits"], name="fc"))
    b.macs += f * 10
    b.layers.append({"name": "fc", "macs": f * 10})
    return b, "pools_matmul", [1, 1, 28, 28], [1, 10]


for make in (mobilenet, pools):
    b, name, ishape, oshape = make()
    graph = helper.make_graph(b.nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch"] + ishape[1:])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch"] + oshape[1:])],
                              b.inits)
    model = helper.make_model(graph, producer_name="dian-testdata", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, name + ".onnx")
    expected[name] = {"macs": b.macs, "layers": b.layers}

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
