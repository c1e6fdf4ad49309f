//! Maps byte offsets of a prose segment back to byte offsets of the original
//! source, through removed markup, decoded escapes and masked placeholders.

use std::ops::Range;

/// One run of segment bytes and the source bytes it stands for.
///
/// When `seg_len == src_len` and `verbatim` is true the run is a byte-for-byte
/// copy and offsets inside it map one to one. Otherwise the run is atomic (a
/// decoded escape, a masked placeholder, a synthetic separator): an offset
/// inside it maps to its start or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub seg: usize,
    pub seg_len: usize,
    pub src: usize,
    pub src_len: usize,
    pub verbatim: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
}

impl OffsetMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a verbatim run: `len` segment bytes copied from `src`.
    pub fn push_verbatim(&mut self, seg: usize, src: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.verbatim && last.seg + last.seg_len == seg && last.src + last.src_len == src {
                last.seg_len += len;
                last.src_len += len;
                return;
            }
        }
        self.pieces.push(Piece {
            seg,
            seg_len: len,
            src,
            src_len: len,
            verbatim: true,
        });
    }

    /// Appends an atomic run: `seg_len` segment bytes standing for `src_len`
    /// source bytes at `src` (an escape, a placeholder, a synthetic space).
    pub fn push_atomic(&mut self, seg: usize, seg_len: usize, src: usize, src_len: usize) {
        self.pieces.push(Piece {
            seg,
            seg_len,
            src,
            src_len,
            verbatim: false,
        });
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    fn piece_index(&self, seg: usize) -> usize {
        // Last piece whose start <= seg.
        match self.pieces.binary_search_by(|p| p.seg.cmp(&seg)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }

    /// Source offset of a segment offset used as a range start (atomic runs
    /// round down to their start).
    pub fn start_to_source(&self, seg: usize) -> usize {
        if self.pieces.is_empty() {
            return seg;
        }
        let i = self.piece_index(seg);
        let p = self.pieces[i];
        if seg < p.seg {
            return p.src;
        }
        let off = seg - p.seg;
        if off >= p.seg_len {
            // Past this piece: start of the next one, or end of this one.
            return match self.pieces.get(i + 1) {
                Some(n) => n.src,
                None => p.src + p.src_len,
            };
        }
        if p.verbatim {
            p.src + off
        } else {
            p.src
        }
    }

    /// Source offset of a segment offset used as a range end (atomic runs
    /// round up to their end).
    pub fn end_to_source(&self, seg: usize) -> usize {
        if self.pieces.is_empty() {
            return seg;
        }
        let i = self.piece_index(seg.saturating_sub(1).max(self.pieces[0].seg));
        let p = self.pieces[i];
        if seg <= p.seg {
            return p.src;
        }
        let off = seg - p.seg;
        if off >= p.seg_len {
            return p.src + p.src_len;
        }
        if p.verbatim {
            p.src + off
        } else {
            p.src + p.src_len
        }
    }

    /// Source range for a segment range, and whether the source bytes in it
    /// are exactly what the segment shows plus atomic runs (no removed markup
    /// in between), which is when a fix may replace them.
    pub fn to_source(&self, seg: Range<usize>) -> (Range<usize>, bool) {
        let start = self.start_to_source(seg.start);
        let end = self.end_to_source(seg.end).max(start);
        let mut contiguous = true;
        let mut prev_end: Option<usize> = None;
        for p in &self.pieces {
            if p.seg + p.seg_len <= seg.start || p.seg >= seg.end {
                continue;
            }
            if let Some(pe) = prev_end {
                if pe != p.src {
                    contiguous = false;
                }
            }
            prev_end = Some(p.src + p.src_len);
        }
        (start..end, contiguous)
    }

    /// Composes two maps: `self` maps a segment into an intermediate text,
    /// `outer` maps that intermediate text into the source.
    pub fn compose(&self, outer: &OffsetMap) -> OffsetMap {
        let mut out = OffsetMap::new();
        for p in &self.pieces {
            if p.verbatim {
                // Split the verbatim run along the outer pieces it crosses.
                let mut seg = p.seg;
                let mut mid = p.src;
                let mid_end = p.src + p.src_len;
                while mid < mid_end {
                    let i = outer.piece_index(mid);
                    let o = outer.pieces.get(i).copied();
                    match o {
                        Some(o) if mid >= o.seg && mid < o.seg + o.seg_len => {
                            let take = (o.seg + o.seg_len).min(mid_end) - mid;
                            if o.verbatim {
                                out.push_verbatim(seg, o.src + (mid - o.seg), take);
                            } else {
                                out.push_atomic(seg, take, o.src, o.src_len);
                            }
                            seg += take;
                            mid += take;
                        }
                        _ => {
                            // Not covered by the outer map: identity.
                            out.push_verbatim(seg, mid, 1);
                            seg += 1;
                            mid += 1;
                        }
                    }
                }
            } else {
                let s = outer.start_to_source(p.src);
                let e = outer.end_to_source(p.src + p.src_len).max(s);
                out.push_atomic(p.seg, p.seg_len, s, e - s);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_atomic_runs_map_back() {
        // source: "Hi {{name}}, ok"  segment: "Hi \u{E000}, ok"
        let mut m = OffsetMap::new();
        m.push_verbatim(0, 0, 3);
        m.push_atomic(3, 3, 3, 8);
        m.push_verbatim(6, 11, 4);
        assert_eq!(m.start_to_source(0), 0);
        assert_eq!(m.start_to_source(3), 3);
        assert_eq!(m.end_to_source(6), 11);
        assert_eq!(m.to_source(0..10), (0..15, true));
        assert_eq!(m.to_source(7..9), (12..14, true));
    }

    #[test]
    fn gaps_make_ranges_non_contiguous() {
        // source "**you** must" -> segment "you must"
        let mut m = OffsetMap::new();
        m.push_verbatim(0, 2, 3);
        m.push_verbatim(3, 7, 5);
        assert_eq!(m.to_source(0..8), (2..12, false));
        assert_eq!(m.to_source(4..8), (8..12, true));
    }

    #[test]
    fn compose_through_escapes() {
        // source JSON: "a\nb" (bytes: a \ n b) decoded "a\nb" -> segment "a b"? identity
        let mut inner = OffsetMap::new();
        inner.push_verbatim(0, 0, 3);
        let mut outer = OffsetMap::new();
        outer.push_verbatim(0, 1, 1);
        outer.push_atomic(1, 1, 2, 2);
        outer.push_verbatim(2, 4, 1);
        let c = inner.compose(&outer);
        assert_eq!(c.to_source(0..3), (1..5, true));
        assert_eq!(c.to_source(2..3), (4..5, true));
    }
}
