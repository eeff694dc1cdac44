"""What the memo writers (:mod:`~itanb.memo.write_word`, :mod:`~itanb.memo.write_pdf`) share: which lines make
one paragraph, and which cells of a table merge."""

from __future__ import annotations

from itanb.memo.document import Document, Paragraph, Table


def joined_blocks(doc: Document) -> list[Paragraph | Table]:
    """Blocks, a text document's consecutive non-blank lines joined into one paragraph (by line breaks)."""
    if doc.kind != "text":
        return list(doc.blocks)
    out: list[Paragraph | Table] = []
    joining = False
    for b in doc.blocks:
        if isinstance(b, Table):
            out.append(b)
            joining = False
        elif not b.text.strip():
            joining = False
        elif joining and isinstance(out[-1], Paragraph):
            out[-1] = Paragraph(out[-1].text + "\n" + b.text.strip(), out[-1].loc)
        else:
            out.append(Paragraph(b.text.strip().lstrip("#").strip(), b.loc))
            joining = True
    return out


def merge_plan(rows: list[list[str]], merge: bool) -> list[list[tuple[int, str]]]:
    """Per row, per cell: (grid span, vMerge "" | "restart" | "continue"); a spanned cell has span 0."""
    plan = [[(1, "") for _ in r] for r in rows]
    if not merge or len(rows) < 2:
        return plan
    head, second = rows[0], rows[1] + [""] * (len(rows[0]) - len(rows[1]))
    spanned = False
    for c in range(len(head)):
        if head[c] and c + 1 < len(head) and not head[c + 1] and second[c + 1]:
            width = 1
            while c + width < len(head) and not head[c + width] and second[c + width]:
                plan[0][c + width] = (0, "")
                width += 1
            plan[0][c] = (width, "")
            spanned = True
    if spanned:  # a two-row header: the cells with nothing below them merge downwards
        for c in range(len(head)):
            if head[c] and not second[c] and plan[0][c][0] == 1:
                plan[0][c], plan[1][c] = (1, "restart"), (1, "continue")
    for r in range(1, len(rows)):  # a name cell left empty below a name continues it
        if not rows[r][0] and rows[r - 1][0] and any(rows[r]) and plan[r][0][1] == "" and r > 1:
            plan[r - 1][0] = (1, plan[r - 1][0][1] or "restart")
            plan[r][0] = (1, "continue")
    return plan
