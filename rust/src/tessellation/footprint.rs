//! The sky footprint of a pixel box under a distorted or non-zenithal WCS, as a
//! convex polygon that provably holds every pixel corner.
//!
//! The four corners through great circles (what `lsst.skymap` uses) are exact only for
//! TAN without distortion; a ZPN, SIP or TPV image has curved edges. The footprint is
//! built in the gnomonic plane at the box centre, where great circles are straight
//! lines (so a convex polygon there is a convex polygon on the sphere):
//!
//! 1. every pixel corner on the box boundary (one point per pixel along each edge)
//!    is projected to the plane;
//! 2. a coarse convex hull is taken through the four corners and 4 points per edge (at
//!    most 16 vertices, so containment tests stay cheap);
//! 3. every edge line of that hull is pushed outward by the largest distance any
//!    boundary corner lies outside it, plus a margin (`1e-3` of the largest step
//!    between neighbouring corners, plus `1e-12`), and the polygon is rebuilt from
//!    the shifted lines.
//!
//! Every boundary corner then lies inside by construction. Interior corners lie
//! inside the region the boundary curve encloses, which is inside the hull of that
//! curve; the curve departs from the chords between neighbouring corners (one pixel
//! apart) by their sagitta, `L^2 kappa / 8`, far below the margin for any edge whose
//! radius of curvature exceeds a hundred pixels. The polygon is at most the margin
//! plus the coarse hull's sagitta larger than the image (well below a pixel for
//! survey images).

use super::bbox::PixelBox;
use crate::geometry::{ConvexPolygon, UnitVector3d, Vector3d};
use crate::projection::TractWcs;
use crate::{Error, Result};

/// Points per edge in the coarse hull.
const COARSE: usize = 4;

/// The polygon of the module docs for the pixel-edge box of `bbox` moved `inset`
/// pixels inward.
///
/// # Errors
/// [`Error::InvalidConfig`] when a boundary pixel has no sky position or the box
/// reaches 84 degrees or more from its centre (no gnomonic plane holds it).
pub fn bounded_hull(wcs: &TractWcs, id: u64, bbox: &PixelBox, inset: f64) -> Result<ConvexPolygon> {
    let [c0, _, c2, _] = bbox.inset_corners(inset);
    let (x0, y0, x1, y1) = (c0[0], c0[1], c2[0], c2[1]);
    let sky = |x: f64, y: f64| -> Result<UnitVector3d> {
        wcs.pixel_to_unit_vector(x, y).ok_or_else(|| {
            Error::config(format!(
                "tract {id}: pixel ({x}, {y}) has no sky position through its WCS"
            ))
        })
    };
    let centre = sky(0.5 * (x0 + x1), 0.5 * (y0 + y1))?;
    let t = *centre.as_vector();
    let helper = if t.x.abs() < 0.9 {
        Vector3d::new(1.0, 0.0, 0.0)
    } else {
        Vector3d::new(0.0, 1.0, 0.0)
    };
    let e1 = t.cross(&helper).normalize()?;
    let e2 = t.cross(e1.as_vector());
    let plane = |v: &UnitVector3d| -> Result<[f64; 2]> {
        let d = v.as_vector().dot(&t);
        if d < 0.1 {
            return Err(Error::config(format!(
                "tract {id}: the image reaches more than 84 degrees from its centre; \
                 such wide images cannot be tracts"
            )));
        }
        Ok([
            v.as_vector().dot(e1.as_vector()) / d,
            v.as_vector().dot(&e2) / d,
        ])
    };
    // Boundary corners, counter-clockwise in pixels, one per pixel step.
    let walk = |a: [f64; 2], b: [f64; 2], steps: usize| -> Vec<[f64; 2]> {
        (0..steps)
            .map(|k| {
                let f = k as f64 / steps as f64;
                [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
            })
            .collect()
    };
    let corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    let mut fine = Vec::new();
    let mut coarse = Vec::new();
    for k in 0..4 {
        let (a, b) = (corners[k], corners[(k + 1) % 4]);
        let len = (b[0] - a[0]).abs().max((b[1] - a[1]).abs());
        fine.extend(walk(a, b, (len.ceil() as usize).max(1)));
        coarse.extend(walk(a, b, COARSE));
    }
    let fine: Vec<[f64; 2]> = fine
        .iter()
        .map(|p| plane(&sky(p[0], p[1])?))
        .collect::<Result<_>>()?;
    let coarse: Vec<[f64; 2]> = coarse
        .iter()
        .map(|p| plane(&sky(p[0], p[1])?))
        .collect::<Result<_>>()?;
    let hull = hull_2d(&coarse);
    if hull.len() < 3 {
        return Err(Error::region(format!(
            "tract {id}: degenerate pixel box {bbox:?}"
        )));
    }
    let step = (0..fine.len())
        .map(|i| dist(fine[i], fine[(i + 1) % fine.len()]))
        .fold(0.0, f64::max);
    // Outward unit normals and offsets of the hull's edges (counter-clockwise).
    let n = hull.len();
    let mut lines = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (hull[i], hull[(i + 1) % n]);
        let d = [b[0] - a[0], b[1] - a[1]];
        let len = d[0].hypot(d[1]);
        let normal = [d[1] / len, -d[0] / len];
        lines.push((normal, normal[0] * a[0] + normal[1] * a[1]));
    }
    let outside = fine
        .iter()
        .flat_map(|p| {
            lines
                .iter()
                .map(move |(nrm, c)| nrm[0] * p[0] + nrm[1] * p[1] - c)
        })
        .fold(0.0, f64::max);
    let shift = outside + 1e-3 * step + 1e-12;
    let mut vertices = Vec::with_capacity(n);
    for i in 0..n {
        let (n1, c1) = lines[(i + n - 1) % n];
        let (n2, c2) = lines[i];
        let (c1, c2) = (c1 + shift, c2 + shift);
        let det = n1[0] * n2[1] - n1[1] * n2[0];
        let p = [
            (c1 * n2[1] - c2 * n1[1]) / det,
            (n1[0] * c2 - n2[0] * c1) / det,
        ];
        let v = t.add(&e1.as_vector().scale(p[0])).add(&e2.scale(p[1]));
        vertices.push(v.normalize()?);
    }
    ConvexPolygon::convex_hull(&vertices)
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).hypot(b[1] - a[1])
}

fn cross(o: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Andrew's monotone chain: the convex hull, counter-clockwise, without collinear
/// points.
fn hull_2d(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let mut lower: Vec<[f64; 2]> = Vec::new();
    for &q in &p {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], q) <= 0.0 {
            lower.pop();
        }
        lower.push(q);
    }
    let mut upper: Vec<[f64; 2]> = Vec::new();
    for &q in p.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], q) <= 0.0 {
            upper.pop();
        }
        upper.push(q);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::projection::fits::FitsWcsParams;

    #[test]
    fn holds_every_corner_of_a_distorted_image() {
        let wcs = FitsWcsParams {
            ctype: ["RA---ZPN".into(), "DEC--ZPN".into()],
            crval_deg: [359.9, -0.5],
            crpix: [-300.0, 2500.0],
            cd: [[-1.1e-4, 1e-6], [2e-6, 1.1e-4]],
            lonpole_deg: None,
            latpole_deg: None,
            pv: vec![(2, 1, 1.0), (2, 3, 220.0)],
            sip: None,
        }
        .build()
        .unwrap();
        let bbox = PixelBox::new([0, 0], [300, 200]);
        let poly = bounded_hull(&wcs, 0, &bbox, 0.0).unwrap();
        for i in 0..=300 {
            for j in 0..=200 {
                let v = wcs
                    .pixel_to_unit_vector(i as f64 - 0.5, j as f64 - 0.5)
                    .unwrap();
                assert!(poly.contains(&v), "corner ({i}, {j})");
            }
        }
        assert!(hull_2d(&[[0.0, 0.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0], [0.0, 1.0]]).len() == 4);
    }
}
