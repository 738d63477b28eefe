#!/usr/bin/env python3
"""The richest-folder corpus: the example site with its richest decision
folder (the one with the most bytes of Markdown: 22-00073, a report, an
exempt appendix and an EqIA) copied N times, each copy renumbered as
examples/gen_corpus.rs numbers its decisions (20-00001, 20-00002, ...), so
bench/run.sh edits the same middle folder in both corpora.

    bench/rich_corpus.py REPO N OUT

Everything of the example site (site.toml, data/, content/pages/, every
decision folder, the richest included: site.toml and the copies name them)
is copied as it is, beside the copies. Deterministic: the same REPO and N give the same files.
"""
import os
import shutil
import sys


def folder_of(i):
    return "%02d-%05d" % (20 + i // 99999, i % 99999 + 1)


def main():
    repo, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    decisions = os.path.join(repo, "content", "decisions")
    sizes = {}
    for name in sorted(os.listdir(decisions)):
        folder = os.path.join(decisions, name)
        sizes[name] = sum(
            os.path.getsize(os.path.join(folder, f))
            for f in os.listdir(folder)
            if f.endswith(".md")
        )
    richest = max(sorted(sizes), key=lambda k: sizes[k])
    number = richest.replace("-", "/")
    os.makedirs(out)
    for top in ["site.toml", "data", "templates", "branding", os.path.join("content", "pages")]:
        src = os.path.join(repo, top)
        dst = os.path.join(out, top)
        if os.path.isdir(src):
            shutil.copytree(src, dst)
        elif os.path.isfile(src):
            shutil.copyfile(src, dst)
    # Every decision folder of the example stays (site.toml names the
    # richest one as the decision that approves its procurement).
    for name in sorted(sizes):
        shutil.copytree(os.path.join(decisions, name), os.path.join(out, "content", "decisions", name))
    files = {}
    src = os.path.join(decisions, richest)
    for f in sorted(os.listdir(src)):
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            files[f] = fh.read()
    marker = 'number = "%s"' % number
    if marker not in files["decision.md"]:
        sys.exit("rich_corpus.py: no %s in %s/decision.md" % (marker, richest))
    for i in range(n):
        folder = folder_of(i)
        dst = os.path.join(out, "content", "decisions", folder)
        os.makedirs(dst)
        for f, text in files.items():
            if f == "decision.md":
                text = text.replace(marker, 'number = "%s"' % folder.replace("-", "/"), 1)
            with open(os.path.join(dst, f), "w", encoding="utf-8") as fh:
                fh.write(text)
    print("%s: %d copies of %s (%d bytes of Markdown each)" % (out, n, richest, sizes[richest]), file=sys.stderr)


if __name__ == "__main__":
    main()
