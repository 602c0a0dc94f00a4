//! `RingsSkyMap`: `numRings` rings of declination plus two polar caps.
//!
//! `ringSize = pi / (numRings + 1)`. Ring `i` (south to north) spans declinations
//! `[-pi/2 + (i + 0.5) ringSize, -pi/2 + (i + 1.5) ringSize]` and holds
//! `int(2 pi cos(d) / ringSize) + 1` tracts, `d` the smaller |Dec| of its edges; its
//! tract `k` is centred at `RA = raStart + 2 pi k / n`, `Dec = -pi/2 + (i + 1) ringSize`.
//! Tract 0 is the south cap, then ring by ring from the south, the north cap last.
//!
//! Version 0 (before DM-14809) numbered the tracts at RA = 0 differently: the last
//! index of each ring is the RA = 0 tract of that ring, the first ring's RA = 0 tract
//! appears twice (ids 1 and 11 for 120 rings) and the last ring's is missing (points
//! there map to the north cap, as in `lsst.skymap`).
//!
//! **Who owns a boundary point.** Inner regions are RA/Dec boxes built from
//! `lsst.skymap`'s own expressions (`getRaDecRange`), closed and widened by
//! [`super::tract::BOX_EDGE_TOLERANCE_RAD`], so neighbours overlap by a few ulps.
//! `findTract` decides with other expressions (`_decToRingNum`, `_raToTractNum`),
//! which can put a point on an edge a few ulps outside the box of the tract it picks
//! (at RA 0, Dec 87.7685950413223 deg version 1 picks 18927, whose box edge is one
//! ulp above the point). [`RingLayout::find_tract`] computes `lsst.skymap`'s answer
//! and keeps it whenever that tract's (widened) box contains the point, which is
//! every point except in version 0's hole; so ids agree with `lsst.skymap`'s on
//! every edge. Only where its answer does not contain the point does it return the
//! neighbour whose box does. In version 0's hole (ring `numRings - 1` at `raStart`,
//! whose tract has no id, the quirk `lsst.skymap`'s testDm14809 asserts) no inner
//! region contains the point, and the north cap is returned, as `lsst.skymap` does.

use super::config::TractBuilder;
use super::tract::{InnerRegion, Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::{Error, Result};
use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// The ring layout and tract numbering of a `RingsSkyMap`.
#[derive(Debug, Clone)]
pub struct RingLayout {
    num_rings: i64,
    ring_size: f64,
    ring_nums: Vec<i64>,
    /// `first_id[r]` = id of tract 0 of ring r in version 1 numbering.
    first_id: Vec<i64>,
    ra_start_rad: f64,
    version: i64,
    num_tracts: i64,
    /// `1 / ring_size` and, per ring, `1 / (2 pi / n)`: multiplications for
    /// [`RingLayout::find_tract`]'s fast path, which certifies its answer.
    inv_ring_size: f64,
    inv_tract_width: Vec<f64>,
}

/// `lsst.geom.Angle.wrap()`: into [0, 2pi).
fn wrap(a: f64) -> f64 {
    let mut w = a % TAU;
    if w < 0.0 {
        w += TAU;
    }
    if w >= TAU {
        w = 0.0;
    }
    w
}

impl RingLayout {
    /// The layout for `numRings`, `raStart` (degrees) and constructor version (0 or 1).
    pub fn new(num_rings: i64, ra_start_deg: f64, version: i64) -> RingLayout {
        let ring_size = PI / (num_rings + 1) as f64;
        let mut ring_nums = Vec::with_capacity(num_rings as usize);
        for i in 0..num_rings {
            let start = ring_size * (i as f64 + 0.5) - 0.5 * PI;
            let stop = start + ring_size;
            let dec = start.abs().min(stop.abs());
            ring_nums.push((2.0 * PI * dec.cos() / ring_size) as i64 + 1);
        }
        let mut first_id = Vec::with_capacity(ring_nums.len());
        let mut acc = 1;
        for n in &ring_nums {
            first_id.push(acc);
            acc += n;
        }
        let inv_tract_width = ring_nums
            .iter()
            .map(|&n| 1.0 / (2.0 * PI / n as f64))
            .collect();
        RingLayout {
            num_rings,
            ring_size,
            inv_ring_size: 1.0 / ring_size,
            inv_tract_width,
            ring_nums,
            first_id,
            ra_start_rad: ra_start_deg * (PI / 180.0),
            version,
            num_tracts: acc + 1,
        }
    }

    pub fn num_tracts(&self) -> i64 {
        self.num_tracts
    }
    /// Ring height in radians.
    pub fn ring_size_rad(&self) -> f64 {
        self.ring_size
    }
    /// Tracts per ring, south to north.
    pub fn ring_counts(&self) -> &[i64] {
        &self.ring_nums
    }

    /// `(ring, tract-in-ring)` of a tract id; ring -1 is the south cap, `numRings` the
    /// north cap (`getRingIndices`).
    ///
    /// # Errors
    /// [`Error::UnknownId`] for an id outside `[0, num_tracts)`.
    pub fn ring_indices(&self, id: i64) -> Result<(i64, i64)> {
        if !(0..self.num_tracts).contains(&id) {
            return Err(Error::unknown_id(format!(
                "tract id {id} is outside [0, {})",
                self.num_tracts
            )));
        }
        if id == 0 {
            return Ok((-1, 0));
        }
        if id == self.num_tracts - 1 {
            return Ok((self.num_rings, 0));
        }
        let mut ring = 0usize;
        let mut t = id - 1;
        while (ring as i64) < self.num_rings {
            let n = self.ring_nums[ring];
            let next = if self.version == 0 { t > n } else { t >= n };
            if !next {
                break;
            }
            t -= n;
            ring += 1;
        }
        Ok((ring as i64, t))
    }

    fn dec_edge(&self, j: i64) -> f64 {
        // The expression getRaDecRange uses for ring j's lower edge.
        -PI / 2.0 + (j as f64 + 0.5) * self.ring_size
    }

    /// Centre (lon, lat) in radians (`generateTract`).
    ///
    /// # Errors
    /// As [`RingLayout::ring_indices`].
    pub fn center(&self, id: i64) -> Result<LonLat> {
        let (ring, t) = self.ring_indices(id)?;
        Ok(if ring == -1 {
            LonLat {
                lon_rad: 0.0,
                lat_rad: -0.5 * PI,
            }
        } else if ring == self.num_rings {
            LonLat {
                lon_rad: 0.0,
                lat_rad: 0.5 * PI,
            }
        } else {
            let n = self.ring_nums[ring as usize] as f64;
            LonLat {
                lon_rad: wrap(2.0 * PI * t as f64 / n + self.ra_start_rad),
                lat_rad: self.ring_size * (ring as f64 + 1.0) - 0.5 * PI,
            }
        })
    }

    /// The inner RA/Dec box (`getRaDecRange`); the caps span every longitude.
    ///
    /// # Errors
    /// As [`RingLayout::ring_indices`].
    pub fn inner_box(&self, id: i64) -> Result<InnerRegion> {
        let (ring, t) = self.ring_indices(id)?;
        Ok(self.box_for(ring, t))
    }

    /// The box of `(ring, t)` as `getRaDecRange` computes it (`t` as `getRingIndices`
    /// gives it, so `t = n` for the version-0 RA = 0 tracts).
    fn box_for(&self, ring: i64, t: i64) -> InnerRegion {
        if ring == -1 {
            InnerRegion::LonLatBox {
                lon_min_rad: 0.0,
                lon_max_rad: TAU,
                lat_min_rad: -FRAC_PI_2,
                lat_max_rad: -PI / 2.0 + (ring as f64 + 1.5) * self.ring_size,
                full_lon: true,
            }
        } else if ring == self.num_rings {
            InnerRegion::LonLatBox {
                lon_min_rad: 0.0,
                lon_max_rad: TAU,
                lat_min_rad: self.dec_edge(ring),
                lat_max_rad: FRAC_PI_2,
                full_lon: true,
            }
        } else {
            let n = self.ring_nums[ring as usize] as f64;
            let start = (t as f64 - 0.5) * 2.0 * PI / n;
            let stop = (t as f64 + 0.5) * 2.0 * PI / n;
            InnerRegion::LonLatBox {
                lon_min_rad: wrap(self.ra_start_rad + start),
                lon_max_rad: wrap(self.ra_start_rad + stop),
                lat_min_rad: self.dec_edge(ring),
                lat_max_rad: -PI / 2.0 + (ring as f64 + 1.5) * self.ring_size,
                full_lon: false,
            }
        }
    }

    /// Builds tract `id` (explicit tract with the inner RA/Dec box).
    ///
    /// # Errors
    /// As [`RingLayout::ring_indices`] and [`Tract::explicit`].
    pub fn build_tract(
        &self,
        id: i64,
        overlap_rad: f64,
        factory: &WcsFactory,
        builder: TractBuilder,
    ) -> Result<Tract> {
        Tract::explicit(
            id as u64,
            self.center(id)?,
            0.5 * self.ring_size,
            overlap_rad,
            factory,
            builder,
            Some(self.inner_box(id)?),
        )
    }

    /// `lsst.skymap`'s ring number for a latitude: -1 south cap, `numRings` north cap.
    fn ring_of(&self, lat: f64) -> i64 {
        let first_ring_start = self.ring_size * 0.5 - 0.5 * PI;
        if lat < first_ring_start {
            -1
        } else if lat > -first_ring_start {
            self.num_rings
        } else {
            (((lat - first_ring_start) / self.ring_size) as i64).min(self.num_rings)
        }
    }

    /// `_raToTractNum`, plus how far the point is from the tract's RA edges as a
    /// fraction of the tract width (`(0, 1)`; near 0 or 1 means near an edge).
    fn tract_in_ring_frac(&self, lon: f64, ring: i64) -> (i64, f64) {
        let n = self.ring_nums[ring as usize];
        // numpy's floor-mod for lon - raStart in (-2pi, 2pi).
        let d = lon - self.ra_start_rad;
        let delta = if d >= 0.0 { d } else { d + TAU };
        let y = delta / (2.0 * PI / n as f64) + 0.5;
        let t = y as i64;
        let frac = y - t as f64;
        (if t >= n { 0 } else { t }, frac)
    }

    fn tract_in_ring(&self, lon: f64, ring: i64) -> i64 {
        self.tract_in_ring_frac(lon, ring).0
    }

    fn id_of(&self, ring: i64, t: i64) -> i64 {
        if ring < 0 {
            return 0;
        }
        if ring >= self.num_rings {
            return self.num_tracts - 1;
        }
        if self.version == 0 && t == 0 && ring != 0 {
            // v0: the RA = 0 tract of ring r carries the last index of ring r.
            return self.first_id[ring as usize] + self.ring_nums[ring as usize];
        }
        self.first_id[ring as usize] + t
    }

    fn box_contains(&self, ring: i64, t: i64, lon: f64, lat: f64) -> bool {
        let t_eff = if self.version == 0 && t == 0 && ring != 0 {
            self.ring_nums[ring as usize]
        } else {
            t
        };
        self.box_for(ring, t_eff).box_contains_rad(lon, lat)
    }

    /// `lsst.skymap`'s `findTract` (versions 0 and 1): its ring from `_decToRingNum`,
    /// its tract from `_raToTractNum`, its id with the version-0 renumbering. Returns
    /// `(ring, tract in ring, id)`; the ring is -1 or `numRings` for the caps.
    fn upstream_find(&self, lon: f64, lat: f64) -> (i64, i64, f64, i64) {
        let ring = self.ring_of(lat);
        if ring < 0 || ring >= self.num_rings {
            return (ring, 0, 0.5, self.id_of(ring, 0));
        }
        let (t, frac) = self.tract_in_ring_frac(lon, ring);
        let id = if self.version == 0 && t == 0 && ring == self.num_rings - 1 {
            // Version 0 sends these points to the north cap (its missing tract).
            self.num_tracts - 1
        } else {
            self.id_of(ring, t)
        };
        (ring, t, frac, id)
    }

    /// Whether tract `(ring, t)` (`lsst.skymap`'s indices) is the tract `id` and its
    /// box contains the point.
    fn holds(&self, ring: i64, t: i64, id: i64, lon: f64, lat: f64) -> bool {
        if ring < 0 || ring >= self.num_rings {
            let cap = self.box_for(ring, 0);
            return id == self.id_of(ring, 0) && cap.box_contains_rad(lon, lat);
        }
        self.id_of(ring, t) == id && self.box_contains(ring, t, lon, lat)
    }

    /// Whether `(ring, frac, id)` from [`RingLayout::upstream_find`]'s arithmetic (or
    /// a rounding of it within ~1e-15 of a tract) is far from every edge, so that
    /// `id` is `lsst.skymap`'s answer and its box holds the point.
    #[inline(always)]
    fn far_from_edges(&self, ring: i64, frac: f64, id: i64, lat: f64) -> bool {
        const MARGIN: f64 = 1e-9;
        ring >= 0
            && ring < self.num_rings
            && (MARGIN..=1.0 - MARGIN).contains(&frac)
            && lat > self.dec_edge(ring) + MARGIN * self.ring_size
            && lat < self.dec_edge(ring + 1) - MARGIN * self.ring_size
            && id != self.num_tracts - 1
    }

    /// The owning tract of a point (radians; `lon` in [0, 2pi), `lat` in
    /// [-pi/2, pi/2]). See the module docs for boundary points.
    #[inline]
    pub fn find_tract(&self, lon: f64, lat: f64) -> i64 {
        // Fast path: `upstream_find` with its two divisions replaced by
        // multiplications by reciprocals. That moves the quotients by a few ulps
        // (~1e-13 of a tract at most), so wherever the result is far from every edge
        // (margins of 1e-9 of a tract) it is the division's answer.
        let first_ring_start = self.ring_size * 0.5 - 0.5 * PI;
        let q = (lat - first_ring_start) * self.inv_ring_size;
        if q >= 0.0 && q < self.num_rings as f64 {
            let ring = q as i64;
            let d = lon - self.ra_start_rad;
            let delta = if d >= 0.0 { d } else { d + TAU };
            let y = delta * self.inv_tract_width[ring as usize] + 0.5;
            let n = self.ring_nums[ring as usize];
            let t = y as i64;
            let id = self.id_of(ring, if t >= n { 0 } else { t });
            if self.far_from_edges(ring, y - t as f64, id, lat) {
                return id;
            }
        }
        self.find_tract_exactly(lon, lat)
    }

    /// [`RingLayout::find_tract`] with `lsst.skymap`'s own divisions.
    fn find_tract_exactly(&self, lon: f64, lat: f64) -> i64 {
        let (ring, t, frac, id) = self.upstream_find(lon, lat);
        // Far from every edge (rounding differences are ~1e-15 of a tract) the
        // arithmetic answer's box holds the point; near an edge, check the box.
        if self.far_from_edges(ring, frac, id, lat) || self.holds(ring, t, id, lon, lat) {
            return id;
        }
        // lsst.skymap's tract misses the point: the neighbour whose box holds it.
        for r in [ring, ring - 1, ring + 1] {
            if r < -1 || r > self.num_rings {
                continue;
            }
            if r < 0 || r >= self.num_rings {
                if self.holds(r, 0, self.id_of(r, 0), lon, lat) {
                    return self.id_of(r, 0);
                }
                continue;
            }
            let n = self.ring_nums[r as usize];
            let tr = self.tract_in_ring(lon, r);
            for cand in [tr, (tr + 1) % n, (tr + n - 1) % n] {
                let cid = self.id_of(r, cand);
                let missing = self.version == 0 && cand == 0 && r == self.num_rings - 1;
                if !missing && self.holds(r, cand, cid, lon, lat) {
                    return cid;
                }
            }
        }
        // Version 0's hole (ring numRings - 1, tract 0 has no id): no inner region
        // holds these points; lsst.skymap's answer is the north cap.
        id
    }

    /// Candidate tracts whose outer regions may contain a point: the owner's ring and
    /// its neighbours, three tracts each, plus both caps (`findAllTracts`).
    pub fn neighbour_candidates(&self, lon: f64, lat: f64) -> Vec<i64> {
        let ring = self.ring_of(lat);
        let mut out = Vec::with_capacity(11);
        for r in [ring - 1, ring, ring + 1] {
            if r < 0 || r >= self.num_rings {
                continue;
            }
            let n = self.ring_nums[r as usize];
            let t = self.tract_in_ring(lon, r);
            for dt in [n - 1, 0, 1] {
                let id = self.id_of(r, (t + dt) % n);
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out.push(0);
        out.push(self.num_tracts - 1);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn layout_counts() {
        let l = RingLayout::new(120, 0.0, 1);
        assert_eq!(l.num_tracts(), 18938);
        assert_eq!(&l.ring_counts()[..4], &[10, 16, 22, 29]);
    }

    #[test]
    fn version0_numbering() {
        let l0 = RingLayout::new(120, 0.0, 0);
        let c = l0.center(9712).unwrap();
        assert_eq!(c.lon_rad, 0.0);
        assert!((c.lat_rad.to_degrees() - 0.7438016528925696).abs() < 1e-12);
        let c1 = RingLayout::new(120, 0.0, 1).center(9712).unwrap();
        assert!((c1.lat_rad.to_degrees() - 2.2314049586776834).abs() < 1e-12);
        assert_eq!(l0.center(11).unwrap(), l0.center(1).unwrap());
    }

    #[test]
    fn fast_path_equals_divisions() {
        // Random points and points on and a few ulps around every ring and tract edge.
        for (rings, version) in [(120, 1), (120, 0), (1, 1), (7, 0)] {
            let l = RingLayout::new(rings, 0.0, version);
            let mut state = 0x9e37_79b9_7f4a_7c15u64;
            let mut u = || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                (state >> 11) as f64 / (1u64 << 53) as f64
            };
            let mut points = Vec::new();
            for _ in 0..200_000 {
                points.push((u() * TAU, (2.0 * u() - 1.0).asin()));
            }
            for r in 0..=rings {
                let lat = l.dec_edge(r);
                let n = l.ring_nums[(r.min(rings - 1)) as usize];
                for k in 0..n {
                    let lon = (k as f64 + 0.5) * (2.0 * PI / n as f64);
                    for s in -3i64..=3 {
                        let step = |v: f64| f64::from_bits((v.to_bits() as i64 + s) as u64);
                        points.push((u() * TAU, step(lat)));
                        points.push((step(lon).rem_euclid(TAU), u() * 2.0 - 1.0));
                    }
                }
            }
            for (lon, lat) in points {
                let lat = lat.clamp(-FRAC_PI_2, FRAC_PI_2);
                let expected = l.find_tract_exactly(lon, lat);
                assert_eq!(
                    l.find_tract(lon, lat),
                    expected,
                    "{rings} v{version} ({lon}, {lat})"
                );
            }
        }
    }

    #[test]
    fn find_inverts_center() {
        for version in [0, 1] {
            let l = RingLayout::new(120, 0.0, version);
            for id in 0..l.num_tracts() {
                if version == 0 && (id == 11) {
                    continue;
                }
                let c = l.center(id).unwrap();
                assert_eq!(l.find_tract(c.lon_rad, c.lat_rad), id, "v{version} {id}");
            }
        }
    }
}
