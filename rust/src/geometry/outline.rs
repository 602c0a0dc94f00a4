//! Why a vertex list is not the outline of a convex polygon.
//!
//! A user who gives a footprint's corners means an *outline*: the vertices in order
//! around the boundary. It makes a [`ConvexPolygon`](super::ConvexPolygon) when every
//! vertex is strictly left of every edge (counter-clockwise) or strictly right of every
//! edge (clockwise). Otherwise one of three things is wrong, and the message says which,
//! because the fixes differ:
//! * a **degenerate corner**: a vertex repeats its neighbour or lies on the great circle
//!   through its two neighbours;
//! * a **self-intersecting** outline: two edges cross (a bow tie), or the outline winds
//!   around more than once (a star drawn in one stroke);
//! * a **non-convex** outline: it is simple but some corner turns the other way (an L or
//!   a dart); its convex hull would be a bigger region.
//!
//! Turns and crossings use the exact orientation predicate, so the diagnosis is exact for
//! outlines that fit in a hemisphere (every footprint).

use super::orientation::orientation;
use super::vector::UnitVector3d;

/// What is wrong with an outline that is neither counter-clockwise nor clockwise convex.
pub(crate) fn outline_problem(v: &[UnitVector3d]) -> String {
    let n = v.len();
    let at = |k: usize| &v[k % n];
    // turn[k] > 0: the outline turns left (counter-clockwise) at vertex k.
    let mut turns = Vec::with_capacity(n);
    for k in 0..n {
        let (prev, here, next) = (at(k + n - 1), at(k), at(k + 1));
        if here == prev || here == next {
            return format!("degenerate corner: vertex {k} repeats its neighbour");
        }
        let turn = orientation(next, prev, here);
        if turn == 0 {
            return format!(
                "degenerate corner: vertex {k} lies on the great circle through its two \
                 neighbours"
            );
        }
        turns.push(turn);
    }
    if let Some((i, j)) = crossing_edges(v) {
        return format!(
            "the outline is self-intersecting: edge {i} -> {} crosses edge {j} -> {}",
            (i + 1) % n,
            (j + 1) % n
        );
    }
    let left = turns.iter().filter(|&&t| t > 0).count();
    if left == 0 || left == n {
        return "the outline is self-intersecting: it winds around its centre more than \
                once"
            .to_string();
    }
    // The minority turn is the reflex corner (most outlines are counter-clockwise).
    let reflex_sign = if 2 * left >= n { -1 } else { 1 };
    let k = turns.iter().position(|&t| t == reflex_sign).unwrap_or(0);
    format!("the outline is non-convex: its corner at vertex {k} turns inward")
}

/// The first pair of non-adjacent edges `(i, j)` that properly cross.
fn crossing_edges(v: &[UnitVector3d]) -> Option<(usize, usize)> {
    let n = v.len();
    for i in 0..n {
        for j in i + 2..n {
            if (j + 1) % n == i {
                continue; // adjacent through the closing edge
            }
            let (a, b, c, d) = (&v[i], &v[(i + 1) % n], &v[j], &v[(j + 1) % n]);
            let straddles =
                |p: &UnitVector3d, q: &UnitVector3d, s: &UnitVector3d, e: &UnitVector3d| {
                    orientation(p, s, e) * orientation(q, s, e) < 0
                };
            if straddles(c, d, a, b) && straddles(a, b, c, d) {
                return Some((i, j));
            }
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn outline(lonlat: &[(f64, f64)]) -> Vec<UnitVector3d> {
        lonlat
            .iter()
            .map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat).unwrap())
            .collect()
    }

    #[test]
    fn names_each_problem() {
        let l_shape = outline(&[(0., 0.), (2., 0.), (2., 1.), (1., 1.), (1., 2.), (0., 2.)]);
        assert!(outline_problem(&l_shape).contains("non-convex: its corner at vertex 3"));
        let bow_tie = outline(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.)]);
        assert!(outline_problem(&bow_tie).contains("self-intersecting"));
        let star: Vec<(f64, f64)> = (0..5)
            .map(|k| {
                let a = (144.0 * k as f64).to_radians();
                (a.cos(), a.sin())
            })
            .collect();
        assert!(outline_problem(&outline(&star)).contains("self-intersecting"));
        let straight = outline(&[(0., 0.), (1., 0.), (2., 0.), (1., 1.)]);
        assert!(outline_problem(&straight).contains("degenerate corner: vertex 1"));
        let repeated = outline(&[(0., 0.), (1., 0.), (1., 0.), (1., 1.)]);
        assert!(outline_problem(&repeated).contains("repeats"));
    }
}
