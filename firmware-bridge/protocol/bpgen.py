#!/usr/bin/env python3
"""Generate the bridge protocol's C header/codec and C# constants/codecs from bridge.schema.

Usage: bpgen.py SCHEMA [--c-header H] [--c-source C] [--cs CS]
Standard library only; the output is deterministic (the same schema gives the same bytes).
"""
import re
import sys

PRIMS = {
    # name: (size, C type, C# type, C# read, C# write)
    "u8": (1, "uint8_t", "byte", "p[{o}]", "p[{o}] = {v};"),
    "u16": (2, "uint16_t", "ushort", "BinaryPrimitives.ReadUInt16LittleEndian(p[{o}..])",
            "BinaryPrimitives.WriteUInt16LittleEndian(p[{o}..], {v});"),
    "u32": (4, "uint32_t", "uint", "BinaryPrimitives.ReadUInt32LittleEndian(p[{o}..])",
            "BinaryPrimitives.WriteUInt32LittleEndian(p[{o}..], {v});"),
    "u64": (8, "uint64_t", "ulong", "BinaryPrimitives.ReadUInt64LittleEndian(p[{o}..])",
            "BinaryPrimitives.WriteUInt64LittleEndian(p[{o}..], {v});"),
    "i32": (4, "int32_t", "int", "BinaryPrimitives.ReadInt32LittleEndian(p[{o}..])",
            "BinaryPrimitives.WriteInt32LittleEndian(p[{o}..], {v});"),
    "f32": (4, "float", "float", "BinaryPrimitives.ReadSingleLittleEndian(p[{o}..])",
            "BinaryPrimitives.WriteSingleLittleEndian(p[{o}..], {v});"),
}


class Schema:
    def __init__(self):
        self.name = None
        self.version = None
        self.consts = []  # (name, value)
        self.enums = []  # (name, base, flags, [(item, value)])
        self.structs = []  # (name, [(type, count, field)])
        self.messages = []  # (name, id, direction, [(type, count, field)])


def fail(line_no, text):
    sys.exit(f"bridge.schema:{line_no}: {text}")


def parse(path):
    s = Schema()
    block = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            words = line.split()
            if raw[0] in " \t":
                if block is None:
                    fail(n, "indented line outside a block")
                kind, items = block
                if kind == "enum":
                    if len(words) != 2:
                        fail(n, "expected NAME VALUE")
                    items.append((words[0], int(words[1], 0)))
                else:
                    m = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", words[0])
                    if not m or len(words) != 2:
                        fail(n, "expected TYPE NAME or TYPE[N] NAME")
                    items.append((m.group(1), int(m.group(2) or 1), words[1], m.group(2) is not None))
                continue
            block = None
            if words[0] == "protocol":
                s.name, s.version = words[1], int(words[2])
            elif words[0] == "const":
                s.consts.append((words[1], int(words[2], 0)))
            elif words[0] in ("enum", "flags"):
                items = []
                s.enums.append((words[1], words[2], words[0] == "flags", items))
                block = ("enum", items)
            elif words[0] == "struct":
                items = []
                s.structs.append((words[1], items))
                block = ("struct", items)
            elif words[0] == "message":
                items = []
                s.messages.append((words[1], int(words[2], 0), words[3], items))
                block = ("message", items)
            else:
                fail(n, f"unknown keyword {words[0]}")
    ids = [m[1] for m in s.messages]
    if len(set(ids)) != len(ids):
        sys.exit("bridge.schema: a message id is used twice")
    for name, mid, direction, _ in s.messages:
        if direction not in ("host", "device"):
            sys.exit(f"bridge.schema: message {name}: direction must be host or device")
        if (mid & 0x80 != 0) != (direction == "device"):
            sys.exit(f"bridge.schema: message {name}: device messages have bit 7 set, host messages not")
    return s


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def pascal(name):
    return "".join(w.capitalize() for w in name.lower().split("_"))


class Types:
    def __init__(self, s):
        self.enums = {e[0]: e for e in s.enums}
        self.structs = {st[0]: st for st in s.structs}

    def size(self, t):
        if t in PRIMS:
            return PRIMS[t][0]
        if t in self.enums:
            return PRIMS[self.enums[t][1]][0]
        if t in self.structs:
            return sum(self.size(ft) * c for ft, c, _, _ in self.structs[t][1])
        sys.exit(f"bridge.schema: unknown type {t}")

    def fields_size(self, fields):
        return sum(self.size(t) * c for t, c, _, _ in fields)


# ---------------------------------------------------------------- field paths (test vectors)

def flatten(types, fields):
    """(path, schema type, C lvalue suffix, C# lvalue suffix) for every scalar in a message."""
    out = []
    for t, count, name, is_array in fields:
        for i in range(count if is_array else 1):
            path = f"{name}.{i}" if is_array else name
            c = f"{name}[{i}]" if is_array else name
            cs = f"{pascal(name)}[{i}]" if is_array else pascal(name)
            if t in types.structs:
                for st, sc, sn, sa in types.structs[t][1]:
                    if sa:
                        sys.exit("bridge.schema: arrays inside structs are not supported")
                    out.append((f"{path}.{sn}", st, f"{c}.{sn}", f"{cs}.{pascal(sn)}"))
            else:
                out.append((path, t, c, cs))
    return out


def prim_of(types, t):
    return types.enums[t][1] if t in types.enums else t


# ---------------------------------------------------------------- C

def c_type(types, t):
    if t in PRIMS:
        return PRIMS[t][1]
    if t in types.enums:
        return PRIMS[types.enums[t][1]][1]
    return f"bp_{snake(t)}"


def c_put(types, t, expr, off, out, indent):
    if t in types.structs:
        out.append(f"{indent}bp_{snake(t)}_write(&{expr}, p + {off});")
        return
    base = types.enums[t][1] if t in types.enums else t
    out.append(f"{indent}bp_put_{base}(p + {off}, {expr});")


def c_get(types, t, expr, off, out, indent):
    if t in types.structs:
        out.append(f"{indent}bp_{snake(t)}_read(p + {off}, &{expr});")
        return
    base = types.enums[t][1] if t in types.enums else t
    out.append(f"{indent}{expr} = bp_get_{base}(p + {off});")


def c_codec_body(types, fields, out, write):
    off = 0
    for t, count, name, is_array in fields:
        size = types.size(t)
        if is_array:
            out.append(f"    for (size_t i = 0; i < {count}; i++) {{")
            target = f"m->{name}[i]"
            (c_put if write else c_get)(types, t, target, f"{off} + i * {size}", out, "        ")
            out.append("    }")
        else:
            (c_put if write else c_get)(types, t, f"m->{name}", off, out, "    ")
        off += size * count


def gen_c_header(s, types):
    o = ["/* Generated by bpgen.py from bridge.schema: do not edit. */",
         "#ifndef BP_PROTOCOL_H", "#define BP_PROTOCOL_H", "",
         "#include <stddef.h>", "#include <stdint.h>", "#include <string.h>", "",
         "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
         f"#define BP_PROTOCOL_VERSION {s.version}u"]
    for name, value in s.consts:
        o.append(f"#define BP_{name} {value}u")
    o.append("")
    for name, base, flags, items in s.enums:
        for item, value in items:
            if flags:
                o.append(f"#define BP_{snake(name).upper()}_{item} ((uint32_t)1u << {value})")
            else:
                o.append(f"#define BP_{snake(name).upper()}_{item} {value}u")
        o.append("")
    o.append("/* Message types. */")
    for name, mid, direction, _ in s.messages:
        o.append(f"#define BP_MSG_{snake(name).upper()} 0x{mid:02X}u /* {direction} -> */")
    o.append("")
    o += ["static inline void bp_put_u8(uint8_t *p, uint8_t v) { p[0] = v; }",
          "static inline void bp_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }",
          "static inline void bp_put_u32(uint8_t *p, uint32_t v) { bp_put_u16(p, (uint16_t)v); bp_put_u16(p + 2, (uint16_t)(v >> 16)); }",
          "static inline void bp_put_u64(uint8_t *p, uint64_t v) { bp_put_u32(p, (uint32_t)v); bp_put_u32(p + 4, (uint32_t)(v >> 32)); }",
          "static inline void bp_put_i32(uint8_t *p, int32_t v) { bp_put_u32(p, (uint32_t)v); }",
          "static inline void bp_put_f32(uint8_t *p, float v) { uint32_t u; memcpy(&u, &v, 4); bp_put_u32(p, u); }",
          "static inline uint8_t bp_get_u8(const uint8_t *p) { return p[0]; }",
          "static inline uint16_t bp_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }",
          "static inline uint32_t bp_get_u32(const uint8_t *p) { return (uint32_t)bp_get_u16(p) | ((uint32_t)bp_get_u16(p + 2) << 16); }",
          "static inline uint64_t bp_get_u64(const uint8_t *p) { return (uint64_t)bp_get_u32(p) | ((uint64_t)bp_get_u32(p + 4) << 32); }",
          "static inline int32_t bp_get_i32(const uint8_t *p) { return (int32_t)bp_get_u32(p); }",
          "static inline float bp_get_f32(const uint8_t *p) { uint32_t u = bp_get_u32(p); float v; memcpy(&v, &u, 4); return v; }",
          ""]
    for name, fields in s.structs:
        o.append("typedef struct {")
        for t, count, fname, is_array in fields:
            o.append(f"    {c_type(types, t)} {fname}{f'[{count}]' if is_array else ''};")
        o.append(f"}} bp_{snake(name)};")
        o.append(f"#define BP_{snake(name).upper()}_SIZE {types.fields_size(fields)}u")
        o.append(f"void bp_{snake(name)}_write(const bp_{snake(name)} *m, uint8_t *p);")
        o.append(f"void bp_{snake(name)}_read(const uint8_t *p, bp_{snake(name)} *m);")
        o.append("")
    for name, mid, direction, fields in s.messages:
        sn = snake(name)
        o.append(f"/* {name}: {direction} -> */")
        o.append("typedef struct {")
        for t, count, fname, is_array in fields:
            o.append(f"    {c_type(types, t)} {fname}{f'[{count}]' if is_array else ''};")
        o.append(f"}} bp_{sn};")
        o.append(f"#define BP_{sn.upper()}_SIZE {types.fields_size(fields)}u")
        o.append(f"/* Writes the body (BP_{sn.upper()}_SIZE bytes) at p. */")
        o.append(f"void bp_{sn}_write(const bp_{sn} *m, uint8_t *p);")
        o.append(f"/* Reads a body of BP_{sn.upper()}_SIZE bytes at p. */")
        o.append(f"void bp_{sn}_read(const uint8_t *p, bp_{sn} *m);")
        o.append("")
    o.append("/* Any message, for code that handles messages by type byte. */")
    o.append("typedef union {")
    for name, _, _, _ in s.messages:
        o.append(f"    bp_{snake(name)} {snake(name)};")
    o.append("} bp_any_message;")
    o.append("")
    o += ["/* Body size of a message type, or -1 for an unknown type. */",
          "int bp_message_body_size(uint8_t type);",
          "/* Name of a message type (\"?\" for an unknown type). */",
          "const char *bp_message_name(uint8_t type);",
          "/* Write/read the body of a message of any type; 0 for an unknown type. */",
          "int bp_message_write(uint8_t type, const void *msg, uint8_t *body);",
          "int bp_message_read(uint8_t type, const uint8_t *body, void *msg);",
          "/* Set/get one scalar by its path (\"nonce\", \"values.3\", \"channels.2.max\"): test vectors and tools.",
          " * Integer and enum fields go through uint64_t exactly (u64 included; an i32 as its two's complement), f32",
          " * fields through double. 0 if the path is unknown, of the other kind, or (set) the value does not fit. */",
          "int bp_field_set_int(uint8_t type, void *msg, const char *path, uint64_t value);",
          "int bp_field_get_int(uint8_t type, const void *msg, const char *path, uint64_t *value);",
          "int bp_field_set_float(uint8_t type, void *msg, const char *path, double value);",
          "int bp_field_get_float(uint8_t type, const void *msg, const char *path, double *value);",
          "", "#ifdef __cplusplus", "}", "#endif", "#endif", ""]
    biggest = max(types.fields_size(m[3]) for m in s.messages)
    consts = dict(s.consts)
    if biggest + consts["HEADER_SIZE"] > consts["MAX_PAYLOAD"]:
        sys.exit("bridge.schema: a message exceeds MAX_PAYLOAD")
    return "\n".join(o)


def gen_c_source(s, types):
    o = ["/* Generated by bpgen.py from bridge.schema: do not edit. */", '#include "bp_protocol.h"', ""]
    for name, fields in s.structs + [(m[0], m[3]) for m in s.messages]:
        sn = snake(name)
        o.append(f"void bp_{sn}_write(const bp_{sn} *m, uint8_t *p)")
        o.append("{")
        c_codec_body(types, fields, o, True)
        o.append("}")
        o.append("")
        o.append(f"void bp_{sn}_read(const uint8_t *p, bp_{sn} *m)")
        o.append("{")
        c_codec_body(types, fields, o, False)
        o.append("}")
        o.append("")
    o.append("int bp_message_body_size(uint8_t type)")
    o.append("{")
    o.append("    switch (type) {")
    for name, mid, _, fields in s.messages:
        o.append(f"    case BP_MSG_{snake(name).upper()}: return (int)BP_{snake(name).upper()}_SIZE;")
    o.append("    default: return -1;")
    o.append("    }")
    o.append("}")
    o.append("")
    o.append("const char *bp_message_name(uint8_t type)")
    o.append("{")
    o.append("    switch (type) {")
    for name, mid, _, _ in s.messages:
        o.append(f'    case BP_MSG_{snake(name).upper()}: return "{name}";')
    o.append('    default: return "?";')
    o.append("    }")
    o.append("}")
    o.append("")
    for fn, sig, call in (("write", "const void *msg, uint8_t *body", "bp_{sn}_write((const bp_{sn} *)msg, body)"),
                          ("read", "const uint8_t *body, void *msg", "bp_{sn}_read(body, (bp_{sn} *)msg)")):
        o.append(f"int bp_message_{fn}(uint8_t type, {sig})")
        o.append("{")
        o.append("    switch (type) {")
        for name, _, _, _ in s.messages:
            sn = snake(name)
            o.append(f"    case BP_MSG_{sn.upper()}: {call.format(sn=sn)}; return 1;")
        o.append("    default: return 0;")
        o.append("    }")
        o.append("}")
        o.append("")
    limits = {"u8": "UINT8_MAX", "u16": "UINT16_MAX", "u32": "UINT32_MAX"}
    for kind in ("int", "float"):
        for setter in (True, False):
            vt = "uint64_t" if kind == "int" else "double"
            if setter:
                o.append(f"int bp_field_set_{kind}(uint8_t type, void *msg, const char *path, {vt} value)")
            else:
                o.append(f"int bp_field_get_{kind}(uint8_t type, const void *msg, const char *path, {vt} *value)")
            o.append("{")
            o.append("    switch (type) {")
            for name, _, _, fields in s.messages:
                sn = snake(name)
                const = "" if setter else "const "
                flat = [f for f in flatten(types, fields) if (prim_of(types, f[1]) == "f32") == (kind == "float")]
                o.append(f"    case BP_MSG_{sn.upper()}: {{")
                if flat:
                    o.append(f"        {const}bp_{sn} *m = ({const}bp_{sn} *)msg;")
                else:
                    o.append("        (void)msg;")
                    o.append("        (void)path;")
                    o.append("        (void)value;")
                for path, t, c, _ in flat:
                    prim = prim_of(types, t)
                    ct = PRIMS[prim][1]
                    test = f'strcmp(path, "{path}") == 0'
                    if setter:
                        if prim in limits:
                            body = f"if (value > {limits[prim]}) {{ return 0; }} m->{c} = ({ct})value; return 1;"
                        elif prim == "i32":
                            body = ("if ((int64_t)value < INT32_MIN || (int64_t)value > INT32_MAX) { return 0; } "
                                    f"m->{c} = (int32_t)(int64_t)value; return 1;")
                        elif prim == "f32":
                            body = f"m->{c} = (float)value; return 1;"
                        else:
                            body = f"m->{c} = value; return 1;"
                    else:
                        if prim == "i32":
                            body = f"*value = (uint64_t)(int64_t)m->{c}; return 1;"
                        elif prim == "f32":
                            body = f"*value = (double)m->{c}; return 1;"
                        else:
                            body = f"*value = (uint64_t)m->{c}; return 1;"
                    o.append(f"        if ({test}) {{ {body} }}")
                o.append("        return 0;")
                o.append("    }")
            o.append("    default: return 0;")
            o.append("    }")
            o.append("}")
            o.append("")
    return "\n".join(o)


# ---------------------------------------------------------------- C#

def cs_type(types, t):
    if t in PRIMS:
        return PRIMS[t][2]
    return t


def cs_array_type(t, count):
    return f"{t}x{count}"


def cs_io(types, t, target, off, out, indent, write):
    if t in types.structs:
        if write:
            out.append(f"{indent}{target}.Write(p[({off})..]);")
        else:
            out.append(f"{indent}{target} = {t}.Read(p[({off})..]);")
        return
    if t in types.enums:
        base = types.enums[t][1]
        prim = PRIMS[base]
        if write:
            out.append(indent + prim[4].format(o=f"({off})", v=f"({prim[2]}){target}"))
        else:
            out.append(f"{indent}{target} = ({t})" + prim[3].format(o=f"({off})") + ";")
        return
    prim = PRIMS[t]
    if write:
        out.append(indent + prim[4].format(o=f"({off})", v=target))
    else:
        out.append(f"{indent}{target} = " + prim[3].format(o=f"({off})") + ";")


def cs_record(types, name, fields, out, extra_header, extra_members):
    out.append(f"public partial struct {name}{extra_header}")
    out.append("{")
    out.append(f"    /// <summary>Encoded size in bytes.</summary>")
    out.append(f"    public const int Size = {types.fields_size(fields)};")
    out.append("")
    out += extra_members
    for t, count, fname, is_array in fields:
        ftype = cs_array_type(cs_type(types, t), count) if is_array else cs_type(types, t)
        out.append(f"    /// <summary>Schema field <c>{fname}</c> ({t}{f'[{count}]' if is_array else ''}).</summary>")
        out.append(f"    public {ftype} {pascal(fname)};")
        out.append("")
    for write in (True, False):
        if write:
            out.append("    /// <summary>Write the encoded fields at the start of <paramref name=\"p\"/>.</summary>")
            out.append("    public readonly void Write(Span<byte> p)")
            out.append("    {")
            out.append("        _ = p[Size - 1];")
        else:
            out.append("    /// <summary>Read the encoded fields from the start of <paramref name=\"p\"/>.</summary>")
            out.append(f"    public static {name} Read(ReadOnlySpan<byte> p)")
            out.append("    {")
            out.append("        _ = p[Size - 1];")
            out.append(f"        var m = new {name}();")
        off = 0
        for t, count, fname, is_array in fields:
            size = types.size(t)
            target = ("" if write else "m.") + pascal(fname)
            if is_array:
                out.append(f"        for (int i = 0; i < {count}; i++)")
                out.append("        {")
                cs_io(types, t, f"{target}[i]", f"{off} + i * {size}", out, "            ", write)
                out.append("        }")
            else:
                cs_io(types, t, target, str(off), out, "        ", write)
            off += size * count
        if not write:
            out.append("        return m;")
        out.append("    }")
        out.append("")
    out[-1:] = []
    out.append("}")
    out.append("")


def gen_cs(s, types):
    o = ["// <auto-generated>Generated by firmware-bridge/protocol/bpgen.py from bridge.schema: do not edit.</auto-generated>",
         "#nullable enable", "using System.Buffers.Binary;", "using System.Runtime.CompilerServices;", "",
         "namespace ClosedLoop.Bridge.Protocol;", "",
         "/// <summary>Constants of the bridge protocol (bridge.schema).</summary>",
         "public static class BridgeProtocol", "{",
         "    /// <summary>Protocol version exchanged in the handshake.</summary>",
         f"    public const ushort Version = {s.version};", ""]
    for name, value in s.consts:
        o.append(f"    /// <summary>Schema constant <c>{name}</c>.</summary>")
        o.append(f"    public const int {pascal(name)} = {value};")
        o.append("")
    o.append("    /// <summary>Body size of a message type, or -1 for an unknown type.</summary>")
    o.append("    public static int BodySize(MessageType type) => type switch")
    o.append("    {")
    for name, _, _, _ in s.messages:
        o.append(f"        MessageType.{name} => {name}.Size,")
    o.append("        _ => -1,")
    o.append("    };")
    o.append("}")
    o.append("")
    o.append("/// <summary>Message types (bit 7 set: sent by the device).</summary>")
    o.append("public enum MessageType : byte")
    o.append("{")
    for name, mid, direction, _ in s.messages:
        o.append(f"    /// <summary>{name} ({direction} to {'device' if direction == 'host' else 'host'}).</summary>")
        o.append(f"    {name} = 0x{mid:02X},")
        o.append("")
    o[-1:] = []
    o.append("}")
    o.append("")
    for name, base, flags, items in s.enums:
        o.append(f"/// <summary>Schema {'flags' if flags else 'enum'} <c>{name}</c>.</summary>")
        if flags:
            o.append("[Flags]")
        o.append(f"public enum {name} : {PRIMS[base][2]}")
        o.append("{")
        if flags:
            o.append("    /// <summary>No bit set.</summary>")
            o.append("    None = 0,")
            o.append("")
        for item, value in items:
            o.append(f"    /// <summary>{item}.</summary>")
            o.append(f"    {pascal(item)} = {'1u << ' + str(value) if flags else value},")
            o.append("")
        o[-1:] = []
        o.append("}")
        o.append("")
    arrays = set()
    for _, fields in s.structs + [(m[0], m[3]) for m in s.messages]:
        for t, count, _, is_array in fields:
            if is_array:
                arrays.add((cs_type(types, t), count))
    for t, count in sorted(arrays):
        o.append(f"/// <summary>{count} values of {t}.</summary>")
        o.append(f"[InlineArray({count})]")
        o.append(f"public struct {cs_array_type(t, count)}")
        o.append("{")
        o.append(f"    private {t} _element0;")
        o.append("}")
        o.append("")
    o += ["/// <summary>A message body with a fixed encoded size and a type byte.</summary>",
          "public interface IBridgeMessage<TSelf> where TSelf : struct, IBridgeMessage<TSelf>",
          "{",
          "    /// <summary>The message type.</summary>",
          "    static abstract MessageType MessageType { get; }",
          "",
          "    /// <summary>Encoded body size in bytes.</summary>",
          "    static abstract int BodySize { get; }",
          "",
          "    /// <summary>Write the body at the start of <paramref name=\"p\"/>.</summary>",
          "    void Write(Span<byte> p);",
          "",
          "    /// <summary>Read a body from the start of <paramref name=\"p\"/>.</summary>",
          "    static abstract TSelf Read(ReadOnlySpan<byte> p);",
          "}", ""]
    for name, fields in s.structs:
        o.append(f"/// <summary>Schema struct <c>{name}</c>.</summary>")
        cs_record(types, name, fields, o, "", [])
    for name, mid, direction, fields in s.messages:
        o.append(f"/// <summary>Message <c>{name}</c> (0x{mid:02X}, {direction} to {'device' if direction == 'host' else 'host'}).</summary>")
        members = [
            "    /// <inheritdoc/>",
            f"    public static MessageType MessageType => MessageType.{name};",
            "",
            "    /// <inheritdoc/>",
            "    public static int BodySize => Size;",
            "",
        ]
        cs_record(types, name, fields, o, f" : IBridgeMessage<{name}>", members)
    o += ["/// <summary>One scalar of a message: integer and enum fields exactly in <see cref=\"Integer\"/> (u64 included; an i32",
          "/// as its two's complement), f32 fields in <see cref=\"Float\"/>. What the shared test vectors carry.</summary>",
          "/// <param name=\"IsFloat\">True for an f32 field.</param>",
          "/// <param name=\"Integer\">The value of an integer or enum field.</param>",
          "/// <param name=\"Float\">The value of an f32 field.</param>",
          "public readonly record struct BridgeFieldValue(bool IsFloat, ulong Integer, double Float)",
          "{",
          "    /// <summary>An integer field's value.</summary>",
          "    public static BridgeFieldValue Of(ulong value) => new(false, value, 0);",
          "",
          "    /// <summary>An f32 field's value.</summary>",
          "    public static BridgeFieldValue Of(double value) => new(true, 0, value);",
          "",
          "    /// <summary>Parse a vector file's value: an integer (\"123\", \"-5\") exactly, anything else as a double (\"1.5\", \"nan\").</summary>",
          "    public static BridgeFieldValue Parse(string text)",
          "    {",
          "        ArgumentNullException.ThrowIfNull(text);",
          "        var ci = System.Globalization.CultureInfo.InvariantCulture;",
          "        if (ulong.TryParse(text, System.Globalization.NumberStyles.None, ci, out ulong u))",
          "        {",
          "            return Of(u);",
          "        }",
          "        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, ci, out long l))",
          "        {",
          "            return Of((ulong)l);",
          "        }",
          "        return Of(double.Parse(text, System.Globalization.NumberStyles.Float, ci));",
          "    }",
          "",
          "    /// <inheritdoc/>",
          "    public override string ToString() => IsFloat ? Float.ToString(\"R\", System.Globalization.CultureInfo.InvariantCulture) : Integer.ToString(System.Globalization.CultureInfo.InvariantCulture);",
          "",
          "    internal double F(string path) => IsFloat ? Float : throw new ArgumentException($\"{path} is an f32 field, {this} is an integer\", nameof(path));",
          "",
          "    internal ulong I(string path, ulong max) => IsFloat ? throw new ArgumentException($\"{path} is an integer field, {this} is not\", nameof(path))",
          "        : Integer <= max ? Integer : throw new ArgumentOutOfRangeException(nameof(path), Integer, $\"{path} holds at most {max}\");",
          "",
          "    internal int I32(string path)",
          "    {",
          "        long v = (long)I(path, ulong.MaxValue);",
          "        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new ArgumentOutOfRangeException(nameof(path), v, $\"{path} is an i32\");",
          "    }",
          "}",
          "",
          "/// <summary>Set or read one scalar of a message by its schema path (\"nonce\", \"values.3\",",
          "/// \"channels.2.max\"): what the shared test vectors and tools use. Integers are exact (no rounding through double).</summary>",
          "public static class BridgeFieldAccess", "{",
          "    /// <summary>Encode a body of <paramref name=\"type\"/> with every field zero except <paramref name=\"fields\"/>.</summary>",
          "    public static byte[] Encode(MessageType type, IEnumerable<KeyValuePair<string, BridgeFieldValue>> fields)",
          "    {", "        ArgumentNullException.ThrowIfNull(fields);", "        switch (type)", "        {"]
    for name, _, _, _ in s.messages:
        o += [f"            case MessageType.{name}:", "            {", f"                var m = new {name}();",
              "                foreach (var f in fields)", "                {",
              f"                    if (!Set(ref m, f.Key, f.Value)) throw new ArgumentException($\"{name} has no field {{f.Key}}\", nameof(fields));",
              "                }", f"                var b = new byte[{name}.Size];", "                m.Write(b);",
              "                return b;", "            }"]
    o += ["            default:", "                throw new ArgumentOutOfRangeException(nameof(type), type, \"unknown message type\");",
          "        }", "    }", "",
          "    /// <summary>Decode <paramref name=\"body\"/> as <paramref name=\"type\"/> and read the field at <paramref name=\"path\"/>.</summary>",
          "    public static BridgeFieldValue Get(MessageType type, ReadOnlySpan<byte> body, string path) => type switch", "    {"]
    for name, _, _, _ in s.messages:
        o.append(f"        MessageType.{name} => Get({name}.Read(body), path),")
    o += ["        _ => throw new ArgumentOutOfRangeException(nameof(type), type, \"unknown message type\"),", "    };", ""]
    maxes = {"u8": "byte.MaxValue", "u16": "ushort.MaxValue", "u32": "uint.MaxValue", "u64": "ulong.MaxValue"}
    for name, _, _, fields in s.messages:
        flat = flatten(types, fields)
        o += [f"    private static bool Set(ref {name} m, string path, BridgeFieldValue v)", "    {", "        switch (path)", "        {"]
        for path, t, _, cs in flat:
            base = prim_of(types, t)
            prim = PRIMS[base][2]
            if base == "f32":
                conv = "(float)v.F(path)"
            elif base == "i32":
                conv = "v.I32(path)"
            else:
                conv = f"({prim})v.I(path, {maxes[base]})"
            if t in types.enums:
                conv = f"({t}){conv}"
            o.append(f'            case "{path}": m.{cs} = {conv}; return true;')
        o += ["            default: return false;", "        }", "    }", ""]
        o += [f"    private static BridgeFieldValue Get({name} m, string path) => path switch", "    {"]
        for path, t, _, cs in flat:
            base = prim_of(types, t)
            prim = PRIMS[base][2]
            if base == "f32":
                conv = f"BridgeFieldValue.Of((double)m.{cs})"
            elif base == "i32":
                conv = f"BridgeFieldValue.Of((ulong)(long)m.{cs})"
            elif t in types.enums:
                conv = f"BridgeFieldValue.Of((ulong)({prim})m.{cs})"
            else:
                conv = f"BridgeFieldValue.Of((ulong)m.{cs})"
            o.append(f'        "{path}" => {conv},')
        o += [f'        _ => throw new ArgumentException($"{name} has no field {{path}}", nameof(path)),', "    };", ""]
    o[-1:] = []
    o += ["}", ""]
    return "\n".join(o)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    s = parse(argv[1])
    types = Types(s)
    outputs = {}
    args = argv[2:]
    while args:
        flag, path = args[0], args[1]
        args = args[2:]
        outputs[flag] = path
    gens = {"--c-header": gen_c_header, "--c-source": gen_c_source, "--cs": gen_cs}
    for flag, path in outputs.items():
        if flag not in gens:
            sys.exit(f"unknown option {flag}")
        text = gens[flag](s, types)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue  # unchanged: keep the timestamp so builds stay incremental
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv)
