//! `DodecaSkyMap`: 12 generic tracts on the faces of a regular dodecahedron.
//!
//! Face centres are the 12 vectors `(0, ±1, ±g)`, `(±1, ±g, 0)`, `(±g, 0, ±1)`
//! (normalized, `g` the golden ratio); each vertex is the normalized sum of three
//! mutually adjacent face centres. The solid is then rotated so that a vertex (or, with
//! `withTractsOnPoles`, a face centre) sits on the north pole and an adjacent one lies
//! in the x-z plane, and the faces are numbered north to south, then by longitude
//! (`lsst.skymap.detail.Dodecahedron`). The rotation group of the dodecahedron acts
//! transitively on adjacent ordered pairs, so the rotated solid does not depend on
//! which pair is picked. Tract `i` is face `i`: WCS centred on the face centre, inner
//! region the face pentagon, pixel box over its vertices grown by half the overlap.

use super::config::TractBuilder;
use super::tract::{Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::Result;

type V3 = [f64; 3];

fn dot(a: &V3, b: &V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalized(v: V3) -> V3 {
    let n = dot(&v, &v).sqrt();
    [v[0] / n, v[1] / n, v[2] / n]
}

/// numpy's `round(x, digits)` (round half to even on `x * 10^digits`).
fn round_to(x: f64, digits: i32) -> f64 {
    let s = 10f64.powi(digits);
    (x * s).round_ties_even() / s
}

/// Indices of the vectors with the largest (2-decimal rounded) dot product with `v`,
/// skipping `skip`.
fn closest(list: &[V3], v: &V3, skip: Option<usize>) -> Vec<usize> {
    let dots: Vec<f64> = list
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if Some(i) == skip {
                f64::NEG_INFINITY
            } else {
                round_to(dot(w, v), 2)
            }
        })
        .collect();
    let best = dots.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (0..list.len()).filter(|&i| dots[i] == best).collect()
}

fn rotation(angle: f64, axis: usize) -> [V3; 3] {
    let (s, c) = angle.sin_cos();
    let mut m = [[0.0; 3]; 3];
    let (a1, a2) = ((axis + 1) % 3, (axis + 2) % 3);
    m[axis][axis] = 1.0;
    m[a1][a1] = c;
    m[a2][a1] = s;
    m[a1][a2] = -s;
    m[a2][a2] = c;
    m
}

fn apply(m: &[V3; 3], v: &V3) -> V3 {
    [dot(&m[0], v), dot(&m[1], v), dot(&m[2], v)]
}

fn compose(a: &[V3; 3], b: &[V3; 3]) -> [V3; 3] {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, x) in row.iter_mut().enumerate() {
            *x = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// The rotation putting `v0` on +z and `v1` in the x-z plane (x > 0, or x < 0).
fn transform(v0: &V3, v1: &V3, v1_negative_x: bool) -> [V3; 3] {
    let rx = rotation(v0[1].atan2(v0[2]), 0);
    let v0x = apply(&rx, v0);
    let ry = rotation(-v0x[0].atan2(v0x[2]), 1);
    let rxy = compose(&ry, &rx);
    let v1xy = apply(&rxy, v1);
    let x = if v1_negative_x { -v1xy[0] } else { v1xy[0] };
    compose(&rotation(-v1xy[1].atan2(x), 2), &rxy)
}

/// Face centres (numbered) and each face's 5 vertices in order around the face.
pub(crate) fn dodecahedron(with_faces_on_poles: bool) -> (Vec<V3>, Vec<Vec<V3>>) {
    let g = (1.0 + 5f64.sqrt()) / 2.0;
    let mut faces = Vec::with_capacity(12);
    for base in [[0.0, 1.0, g], [1.0, g, 0.0], [g, 0.0, 1.0]] {
        let len = dot(&base, &base).sqrt();
        let vals = |x: f64| if x == 0.0 { vec![0.0] } else { vec![x, -x] };
        for z in vals(base[2]) {
            for y in vals(base[1]) {
                for x in vals(base[0]) {
                    faces.push([x / len, y / len, z / len]);
                }
            }
        }
    }
    let neighbours: Vec<Vec<usize>> = (0..12)
        .map(|i| closest(&faces, &faces[i], Some(i)))
        .collect();
    let mut seen = Vec::new();
    let mut vertices = Vec::with_capacity(20);
    for i in 0..12 {
        for &j in &neighbours[i] {
            for &k in neighbours[i].iter().filter(|k| neighbours[j].contains(k)) {
                let mut key = [i, j, k];
                key.sort_unstable();
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let s = [0, 1, 2].map(|c| faces[i][c] + faces[j][c] + faces[k][c]);
                vertices.push(normalized(s));
            }
        }
    }
    let (list, negative_x) = if with_faces_on_poles {
        (&faces, false)
    } else {
        (&vertices, true)
    };
    let v0 = list[0];
    let others: Vec<V3> = list[1..].to_vec();
    let v1 = others[closest(&others, &v0, None)[0]];
    let rot = transform(&v0, &v1, negative_x);
    let vertices: Vec<V3> = vertices.iter().map(|v| apply(&rot, v)).collect();
    let mut faces: Vec<V3> = faces.iter().map(|v| apply(&rot, v)).collect();
    let sort_key = |v: &V3| {
        let mut ang = round_to(v[1].atan2(v[0]), 2);
        if ang < 0.0 {
            ang += std::f64::consts::TAU;
        }
        (-round_to(v[2], 1), ang)
    };
    faces.sort_by(|a, b| {
        sort_key(a)
            .partial_cmp(&sort_key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let face_vertices = faces
        .iter()
        .map(|f| {
            let mut remaining: Vec<V3> = closest(&vertices, f, None)
                .iter()
                .map(|&i| vertices[i])
                .collect();
            let mut ordered = vec![remaining.remove(0)];
            while !remaining.is_empty() {
                let last = ordered[ordered.len() - 1];
                let next = closest(&remaining, &last, None)[0];
                ordered.push(remaining.remove(next));
            }
            ordered
        })
        .collect();
    (faces, face_vertices)
}

/// `detail.coordFromVec`: lon/lat of a vector; at a pole the longitude is `def_lon`.
fn coord_from_vec(v: &V3, def_lon: f64) -> LonLat {
    let tiny = f64::MIN_POSITIVE;
    if v[0].abs() < tiny && v[1].abs() < tiny {
        let lat = if v[2] > 0.0 { 90.0f64 } else { -90.0 };
        return LonLat {
            lon_rad: def_lon,
            lat_rad: lat.to_radians(),
        };
    }
    let mut lon = v[1].atan2(v[0]);
    if lon < 0.0 {
        lon += std::f64::consts::TAU;
    }
    LonLat {
        lon_rad: lon,
        lat_rad: v[2].atan2(v[0].hypot(v[1])),
    }
}

pub(crate) fn build(
    with_tracts_on_poles: bool,
    overlap_rad: f64,
    factory: &WcsFactory,
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    let (faces, face_vertices) = dodecahedron(with_tracts_on_poles);
    try_map_indexed(12, |i| {
        let center = coord_from_vec(&faces[i], 0.0);
        let vertices: Vec<LonLat> = face_vertices[i]
            .iter()
            .map(|v| coord_from_vec(v, center.lon_rad))
            .collect();
        Tract::generic(
            i as u64,
            center,
            center,
            &vertices,
            overlap_rad,
            factory,
            builder,
            None,
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn solid_is_regular() {
        for poles in [false, true] {
            let (faces, verts) = dodecahedron(poles);
            assert_eq!(faces.len(), 12);
            for (f, vs) in faces.iter().zip(&verts) {
                assert_eq!(vs.len(), 5);
                for v in vs {
                    // Face centre to vertex: 37.377 deg for a regular dodecahedron.
                    assert!((dot(f, v).acos().to_degrees() - 37.377).abs() < 1e-3);
                }
            }
            // North to south ordering; a face (or a vertex) on the north pole.
            assert!(faces[0][2] >= faces[11][2]);
            if poles {
                assert!((faces[0][2] - 1.0).abs() < 1e-12);
            }
        }
    }
}
