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
//! **Who owns a boundary point.** Inner regions are closed RA/Dec boxes built from
//! `lsst.skymap`'s own expressions, so neighbours share their edges (and at some seams
//! the two expressions differ by one ulp). [`RingLayout::find_tract`] first computes
//! `lsst.skymap`'s answer (`findTract` arithmetic) and keeps it whenever that tract's
//! closed box contains the point; only when rounding puts the point a few ulps outside
//! it does it step to the neighbour whose box does contain it. So the owner always
//! contains the point, and agrees with `lsst.skymap` away from the last-ulp cases. A
//! point exactly at `Dec = pi/2 - ringSize/2` belongs to the north cap.

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
        RingLayout {
            num_rings,
            ring_size,
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

    fn tract_in_ring(&self, lon: f64, ring: i64) -> i64 {
        let n = self.ring_nums[ring as usize];
        let delta = (lon - self.ra_start_rad).rem_euclid(TAU);
        let t = (delta / (2.0 * PI / n as f64) + 0.5) as i64;
        if t >= n {
            0
        } else {
            t
        }
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

    /// The owning tract of a point (radians; `lon` in [0, 2pi), `lat` in
    /// [-pi/2, pi/2]). See the module docs for boundary points.
    pub fn find_tract(&self, lon: f64, lat: f64) -> i64 {
        let mut ring = self.ring_of(lat);
        // Step off rings whose closed Dec range misses the point by rounding.
        if ring >= 0 && ring < self.num_rings {
            if lat < self.dec_edge(ring) {
                ring -= 1;
            } else if lat > -PI / 2.0 + (ring as f64 + 1.5) * self.ring_size {
                ring += 1;
            }
        } else if ring == self.num_rings && lat < self.dec_edge(ring) {
            ring -= 1;
        } else if ring == -1 && lat > self.dec_edge(0) {
            ring = 0;
        }
        if ring < 0 || ring >= self.num_rings {
            return self.id_of(ring, 0);
        }
        let n = self.ring_nums[ring as usize];
        let t = self.tract_in_ring(lon, ring);
        if self.version == 0 && t == 0 && ring == self.num_rings - 1 {
            // lsst.skymap v0 sends these points to the north cap (missing tract).
            return self.num_tracts - 1;
        }
        if !self.box_contains(ring, t, lon, lat) {
            for cand in [(t + 1) % n, (t + n - 1) % n] {
                if self.box_contains(ring, cand, lon, lat) {
                    return self.id_of(ring, cand);
                }
            }
        }
        self.id_of(ring, t)
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
