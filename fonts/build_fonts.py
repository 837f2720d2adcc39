#!/usr/bin/env python3
"""Subset, fix up and rename the CJK fonts shipped in fonts/.

Called by fonts/build.sh, which fetches the exact source packages.  This
script only reads the unpacked sources and writes the four .ttf files and
the three OFL-*.txt files into the output directory.

    build_fonts.py --serif-pkg DIR --sans-pkg DIR --lxgw-root DIR \
                   --unihan FILE --out DIR

The output is deterministic: head.created/head.modified are copied from
the source fonts (never "now"), so rebuilding gives identical bytes.
"""

import argparse
import copy
import os
import re
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

# --------------------------------------------------------------------------
# Character repertoire
# --------------------------------------------------------------------------


def gb2312_chars(first_row, last_row):
    """All characters of GB2312 rows first_row..last_row (EUC-CN lead bytes)."""
    out = set()
    for hi in range(first_row, last_row + 1):
        for lo in range(0xA1, 0xFF):
            try:
                s = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.update(s)
    return out


def tgh_chars(unihan_other_mappings):
    """The 8,105 characters of 通用规范汉字表 (2013), from Unihan kTGH."""
    out = set()
    with open(unihan_other_mappings, encoding="utf-8") as fh:
        for line in fh:
            if "\tkTGH\t" not in line:
                continue
            cp = line.split("\t", 1)[0]
            out.add(chr(int(cp[2:], 16)))
    if len(out) != 8105:
        sys.exit("expected 8105 kTGH characters, found %d" % len(out))
    return out


def rng(a, b):
    return {chr(c) for c in range(a, b + 1)}


def wanted_chars(unihan):
    hanzi_gb = gb2312_chars(0xB0, 0xF7)  # 6,763 hanzi
    hanzi_tgh = tgh_chars(unihan)
    symbols = set()
    symbols |= rng(0x20, 0x7E)  # ASCII
    symbols |= rng(0xA0, 0xFF)  # Latin-1 supplement (punct., symbols, ×, ÷)
    symbols |= gb2312_chars(0xA1, 0xA9)  # GB2312 symbols: pinyin, Greek, ≤≥, ⑴, ㈠ ...
    symbols |= rng(0x3000, 0x303F)  # CJK symbols and punctuation
    symbols |= rng(0xFF01, 0xFF5E)  # full-width forms
    symbols |= rng(0xFFE0, 0xFFE6)  # full-width ￠￡￢￣￤￥￦
    symbols |= rng(0x2010, 0x2027)  # general punctuation — … ‘’“” ‧
    symbols |= rng(0x2030, 0x203B)  # ‰ ′ ″ ※
    symbols |= {"\u2E3A", "\u30FB"}  # ⸺ two-em dash, ・ full-width middle dot
    symbols |= {"\u00B7", "\u2116", "\u2103", "\u00D7", "\u00F7"}  # · № ℃ × ÷
    symbols |= rng(0x2460, 0x2473)  # ①–⑳
    symbols |= rng(0x2474, 0x249B)  # ⑴–⒇, ⒈–⒛
    symbols |= rng(0x3220, 0x3229)  # ㈠–㈩
    symbols |= rng(0x2160, 0x216B)  # Ⅰ–Ⅻ
    symbols |= rng(0x2170, 0x217B)  # ⅰ–ⅻ
    symbols |= {"\u25CB", "\u25CF", "\u25A1", "\u25A0", "\u2605", "\u2606",
                "\u25B3", "\u25B2", "\u25C6", "\u25C7", "\u203B"}
    symbols |= {"\u20AC", "\u2122", "\u2212", "\u2030", "\u2032", "\u2033"}
    return hanzi_gb, hanzi_tgh, symbols


# --------------------------------------------------------------------------
# Glyph helpers
# --------------------------------------------------------------------------


def gsub_single_map(font, feature_tag):
    """glyph -> glyph mapping of all single substitutions of one feature."""
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    lookups = set()
    for fr in gsub.FeatureList.FeatureRecord:
        if fr.FeatureTag == feature_tag:
            lookups.update(fr.Feature.LookupListIndex)
    mapping = {}
    for li in sorted(lookups):
        lk = gsub.LookupList.Lookup[li]
        for st in lk.SubTable:
            if lk.LookupType == 7:
                st = st.ExtSubTable
            m = getattr(st, "mapping", None)
            if m:
                for k, v in m.items():
                    mapping.setdefault(k, v)
    return mapping


def add_glyph(font, new_name, src_name, advance, dx=0, x_span=None):
    """Add a copy of src_name as new_name with the given advance width.

    dx shifts the outline horizontally.  x_span=(x0, x1) instead rescales
    the outline horizontally so that it spans exactly x0..x1 (used to make
    the CJK dash full-bleed so that a doubled dash —— joins up)."""
    glyf = font["glyf"]
    g = copy.deepcopy(glyf[src_name])
    if g.isComposite():
        if x_span:
            raise ValueError("cannot rescale composite glyph " + src_name)
        for c in g.components:
            c.x += dx
    elif g.numberOfContours > 0:
        coords = g.coordinates
        if x_span:
            xs = [x for x, _ in coords]
            lo, hi = min(xs), max(xs)
            x0, x1 = x_span
            for i, (x, y) in enumerate(coords):
                coords[i] = (round(x0 + (x - lo) * (x1 - x0) / (hi - lo)), y)
        else:
            coords.translate((dx, 0))
    g.recalcBounds(glyf)
    order = font.getGlyphOrder() + [new_name]
    font.setGlyphOrder(order)
    glyf[new_name] = g
    font["hmtx"].metrics[new_name] = (advance, getattr(g, "xMin", 0))
    return g


def remap(font, cp, glyph_name, log):
    for table in font["cmap"].tables:
        if table.isUnicode() and cp in (getattr(table, "cmap", None) or {}):
            table.cmap[cp] = glyph_name
    log.append("U+%04X -> %s (advance %d)" % (cp, glyph_name, font["hmtx"][glyph_name][0]))


QUOTES = (0x2018, 0x2019, 0x201C, 0x201D)
OPENING = (0x2018, 0x201C)


def fix_fullwidth_punct(font, log):
    """Make “ ” ‘ ’ — … one em wide (see README)."""
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    fwid = gsub_single_map(font, "fwid")
    for cp in QUOTES + (0x2014, 0x2026):
        g = cmap.get(cp)
        if g is None:
            log.append("U+%04X missing" % cp)
            continue
        if hmtx[g][0] == upm:
            if cp != 0x2014:
                continue
        target = fwid.get(g)
        if cp == 0x2014:
            # Chinese 破折号 is written as two U+2014 and must be one
            # continuous 2-em rule.  Take the full-width dash (fwid target,
            # or the glyph itself if already 1 em) and stretch it to 0..upm.
            src = target if target and hmtx[target][0] == upm else g
            if hmtx[src][0] != upm:
                log.append("U+2014 has no full-width form, left as is")
                continue
            sg = font["glyf"][src]
            if sg.isComposite() or sg.numberOfContours != 1:
                remap(font, cp, src, log)
                continue
            add_glyph(font, "emdash.cjk", src, upm, x_span=(0, upm))
            remap(font, cp, "emdash.cjk", log)
            continue
        if target and hmtx[target][0] == upm:
            remap(font, cp, target, log)
            continue
        # No fwid form (LXGW WenKai): synthesise one.  Opening quotes hug the
        # following character (placed in the right part of the em box),
        # closing quotes hug the preceding one (left part), as in Chinese
        # fonts; the designer's side bearing next to the text is kept.
        adv = hmtx[g][0]
        dx = upm - adv if cp in OPENING else 0
        name = "uni%04X.fw" % cp
        add_glyph(font, name, g, upm, dx=dx)
        remap(font, cp, name, log)


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

KEEP_NAME_IDS = [0, 5, 7, 8, 9, 10, 11, 12, 13, 14]


def rename(font, family, style, ps_name, typo_style, orig_desc):
    name = font["name"]
    version = name.getDebugName(5) or ""
    m = re.search(r"(\d+\.\d+)", version)
    vnum = m.group(1) if m else "0.000"
    # Keep only the Windows/English records we want, drop everything else
    # (Mac records, Chinese-language names such as 霞鹜文楷, STAT/fvar names).
    name.names = [r for r in name.names
                  if r.platformID == 3 and r.langID == 0x409
                  and r.nameID in KEEP_NAME_IDS]
    desc = name.getDebugName(10)
    note = "Modified (subset, renamed) by the gongkai project from %s." % orig_desc
    desc = (desc + "\n" + note) if desc else note
    full = family + " " + typo_style
    values = {
        1: family,
        2: style,
        3: "%s;GONGKAI;%s" % (vnum, ps_name),
        4: full,
        6: ps_name,
        10: desc,
        16: family,
        17: typo_style,
    }
    for nid, val in values.items():
        name.setName(val, nid, 3, 1, 0x409)
    name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))


# --------------------------------------------------------------------------
# Licence files
# --------------------------------------------------------------------------


def ofl_from_debian_copyright(path):
    """Extract the OFL-1.1 licence paragraph of a Debian copyright file."""
    text = open(path, encoding="utf-8").read()
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = para.splitlines()
        # the stand-alone licence paragraph, not the "Files:" stanza's field
        if lines and lines[0].strip() == "License: OFL-1.1" and len(lines) > 5:
            for line in lines[1:]:
                body = line[1:] if line.startswith(" ") else line
                out.append("" if body == "." else body)
            break
    while out and not out[-1].strip():
        out.pop()
    if not out:
        sys.exit("no OFL text in " + path)
    return "\n".join(out) + "\n"


def write_licence(path, font_file, package, copyright_lines, extra, ofl_text):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("Licence of %s (and of the source font it was derived from).\n" % font_file)
        fh.write("Source: %s\n\n" % package)
        fh.write("Copyright notice of the original font (name table ID 0):\n\n")
        for line in copyright_lines:
            fh.write(line + "\n")
        if extra:
            fh.write("\n" + extra + "\n")
        fh.write("\nModifications (subset, renamed, full-width punctuation) by the gongkai\n"
                 "project; the Modified Version is released under the same licence.\n")
        fh.write("\n" + "-" * 72 + "\n")
        fh.write("Licence text as shipped in the source package:\n\n")
        fh.write(ofl_text.rstrip("\n") + "\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def build_one(src, out_path, unicodes, family, style, ps_name, typo_style,
              orig_desc, weight, bold):
    font = TTFont(src, recalcTimestamp=False, recalcBBoxes=True)
    created, modified = font["head"].created, font["head"].modified
    for t in ("vhea", "vmtx", "STAT", "BASE"):
        if t in font:
            del font[t]
    log = []
    fix_fullwidth_punct(font, log)

    opts = subset.Options()
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "STAT",
                         "vhea", "vmtx", "VORG", "gasp", "DSIG", "kern",
                         "meta", "prep", "fpgm", "cvt ", "hdmx", "LTSH",
                         "VDMX", "morx", "feat"]
    opts.hinting = False
    opts.glyph_names = False  # post format 3
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.prune_unicode_ranges = True
    sub = subset.Subsetter(options=opts)
    have = set(font.getBestCmap())
    want = sorted(u for u in unicodes if u in have)
    missing = sorted(u for u in unicodes if u not in have)
    sub.populate(unicodes=want)
    sub.subset(font)

    rename(font, family, style, ps_name, typo_style, orig_desc)
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    fs = os2.fsSelection & ~((1 << 0) | (1 << 5) | (1 << 6))
    if bold:
        fs |= 1 << 5
        font["head"].macStyle = (font["head"].macStyle & ~0x2) | 0x1
    else:
        fs |= 1 << 6
        font["head"].macStyle &= ~0x3
    os2.fsSelection = fs
    font["post"].formatType = 3.0
    font["head"].created = created
    font["head"].modified = modified
    font.save(out_path, reorderTables=True)
    return log, missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serif-pkg", required=True, help="unpacked @expo-google-fonts/noto-serif-sc package/")
    ap.add_argument("--serif-version", required=True)
    ap.add_argument("--sans-pkg", required=True, help="unpacked @expo-google-fonts/noto-sans-sc package/")
    ap.add_argument("--sans-version", required=True)
    ap.add_argument("--lxgw-root", required=True, help="dpkg-deb -x root of fonts-lxgw-wenkai")
    ap.add_argument("--lxgw-version", required=True)
    ap.add_argument("--unihan", required=True, help="Unihan_OtherMappings.txt (for kTGH)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    hanzi_gb, hanzi_tgh, symbols = wanted_chars(a.unihan)
    chars = hanzi_gb | hanzi_tgh | symbols
    unicodes = sorted(ord(c) for c in chars)
    print("repertoire: %d GB2312 hanzi, %d 通用规范汉字, union %d hanzi, %d other, total %d"
          % (len(hanzi_gb), len(hanzi_tgh), len(hanzi_gb | hanzi_tgh), len(symbols), len(unicodes)))

    serif_r = os.path.join(a.serif_pkg, "400Regular", "NotoSerifSC_400Regular.ttf")
    serif_b = os.path.join(a.serif_pkg, "700Bold", "NotoSerifSC_700Bold.ttf")
    sans_m = os.path.join(a.sans_pkg, "500Medium", "NotoSansSC_500Medium.ttf")
    lxgw = os.path.join(a.lxgw_root, "usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")

    def desc(path, label):
        f = TTFont(path, lazy=True)
        return "%s %s" % (label, f["name"].getDebugName(5).split(";")[0])

    jobs = [
        (serif_r, "GongkaiSerif-Regular.ttf", "Gongkai Serif", "Regular", "GongkaiSerif-Regular",
         "Regular", desc(serif_r, "Noto Serif SC Regular") +
         " (npm @expo-google-fonts/noto-serif-sc@%s)" % a.serif_version, 400, False),
        (serif_b, "GongkaiSerif-Bold.ttf", "Gongkai Serif", "Bold", "GongkaiSerif-Bold",
         "Bold", desc(serif_b, "Noto Serif SC Bold") +
         " (npm @expo-google-fonts/noto-serif-sc@%s)" % a.serif_version, 700, True),
        # Single Sans face: ID 1 is the bare family so that every consumer
        # (fontconfig, Word, fontdb) sees "Gongkai Sans"; weight 500 and
        # typographic subfamily "Medium" carry the real weight.
        (sans_m, "GongkaiSans-Medium.ttf", "Gongkai Sans", "Regular", "GongkaiSans-Medium",
         "Medium", desc(sans_m, "Noto Sans SC Medium") +
         " (npm @expo-google-fonts/noto-sans-sc@%s)" % a.sans_version, 500, False),
        (lxgw, "GongkaiKai-Regular.ttf", "Gongkai Kai", "Regular", "GongkaiKai-Regular",
         "Regular", desc(lxgw, "LXGW WenKai Regular") +
         " (Debian fonts-lxgw-wenkai %s)" % a.lxgw_version, 400, False),
    ]
    for src, out_name, fam, style, ps, tstyle, odesc, wt, bold in jobs:
        out_path = os.path.join(a.out, out_name)
        log, missing = build_one(src, out_path, unicodes, fam, style, ps, tstyle, odesc, wt, bold)
        print("%s: from %s" % (out_name, odesc))
        for l in log:
            print("   remap", l)
        miss_han = [u for u in missing if chr(u) in hanzi_gb | hanzi_tgh]
        print("   %d requested code points not in source font (%d of them hanzi)%s"
              % (len(missing), len(miss_han),
                 (": " + " ".join("U+%04X" % u for u in missing[:40]) + (" ..." if len(missing) > 40 else ""))
                 if missing else ""))

    # Licence files
    def name0(path):
        return TTFont(path, lazy=True)["name"].getDebugName(0).replace("\r\n", "\n").split("\n")

    noto_serif_ofl = open(os.path.join(a.serif_pkg, "LICENSE_FONT"), encoding="utf-8").read()
    noto_sans_ofl = open(os.path.join(a.sans_pkg, "LICENSE_FONT"), encoding="utf-8").read()
    lxgw_ofl = ofl_from_debian_copyright(
        os.path.join(a.lxgw_root, "usr/share/doc/fonts-lxgw-wenkai/copyright"))
    write_licence(
        os.path.join(a.out, "OFL-NotoSerifSC.txt"),
        "GongkaiSerif-Regular.ttf and GongkaiSerif-Bold.ttf",
        "npm @expo-google-fonts/noto-serif-sc@%s (NotoSerifSC_400Regular.ttf, NotoSerifSC_700Bold.ttf)" % a.serif_version,
        name0(serif_r),
        "Noto is a trademark of Google Inc.; upstream Noto Serif CJK is published with\n"
        "Reserved Font Name 'Source'. Neither name is used by the Modified Version.",
        noto_serif_ofl)
    write_licence(
        os.path.join(a.out, "OFL-NotoSansSC.txt"),
        "GongkaiSans-Medium.ttf",
        "npm @expo-google-fonts/noto-sans-sc@%s (NotoSansSC_500Medium.ttf)" % a.sans_version,
        name0(sans_m),
        "Noto is a trademark of Google Inc.; 'Source' is a Reserved Font Name.\n"
        "Neither name is used by the Modified Version.",
        noto_sans_ofl)
    write_licence(
        os.path.join(a.out, "OFL-LXGWWenKai.txt"),
        "GongkaiKai-Regular.ttf",
        "Debian package fonts-lxgw-wenkai %s (LXGWWenKai-Regular.ttf)" % a.lxgw_version,
        name0(lxgw),
        "With Reserved Font Names \"霞鹜\" and \"LXGW\" (per the Debian copyright file of\n"
        "fonts-lxgw-wenkai). Neither name is used by the Modified Version.",
        lxgw_ofl)


if __name__ == "__main__":
    main()
