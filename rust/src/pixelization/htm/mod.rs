//! The Hierarchical Triangular Mesh (HTM), with `lsst.sphgeom`'s numbering.
//!
//! The sphere is split into 8 root spherical triangles (the octants; ids 8..15, the
//! 4 southern ones first), and every triangle ("trixel") is split into 4 children by
//! joining its edge midpoints: child `k` of trixel `i` has id `4 i + k` (Kunszt,
//! Szalay & Thakar 2001, "The Hierarchical Triangular Mesh"). A level-`L` id therefore
//! has `4 + 2 L` significant bits, and the id of a point at a coarser level is a right
//! shift of its id at a finer one.
//!
//! Everything here is bit-compatible with `lsst.sphgeom.HtmPixelization`: the same
//! root vertices, the same midpoint normalisation and an exact orientation test, so
//! points on trixel edges go to the same trixel as in sphgeom.

mod finder;
mod locate;
mod near;
mod polygon;

/// `(lon, lat)` points (degrees) at `angles` (degrees) around `(lon, lat)`, `size`
/// degrees away (longitudes stretched by `1 / cos(lat)`): random hull inputs for the
/// property tests of the HTM searches.
#[cfg(test)]
fn points_around(lon: f64, lat: f64, size: f64, angles: &[f64]) -> Vec<(f64, f64)> {
    let scale = lat.to_radians().cos().max(1e-3);
    angles
        .iter()
        .map(|a| {
            let (s, c) = a.to_radians().sin_cos();
            (
                (lon + size * c / scale).rem_euclid(360.0),
                (lat + size * s).clamp(-90.0, 90.0),
            )
        })
        .collect()
}

pub use finder::{find_pixels, TrixelRelation};
pub(crate) use near::envelope_near_ranges;
pub use near::ContainerChain;
pub(crate) use polygon::PolygonTrixels;

use super::exact::{normalize_like_sphgeom, orientation};
use crate::geometry::{ConvexPolygon, UnitVector3d, Vector3d};
use crate::rangeset::RangeSet;
use crate::{Error, Result};

/// The deepest level sphgeom supports (ids fit in 64 bits with room to spare).
pub const MAX_LEVEL: u8 = 24;

const X: Vector3d = Vector3d::new(1.0, 0.0, 0.0);
const Y: Vector3d = Vector3d::new(0.0, 1.0, 0.0);
const Z: Vector3d = Vector3d::new(0.0, 0.0, 1.0);
const NX: Vector3d = Vector3d::new(-1.0, 0.0, 0.0);
const NY: Vector3d = Vector3d::new(0.0, -1.0, 0.0);
const NZ: Vector3d = Vector3d::new(0.0, 0.0, -1.0);

/// Vertices of the 8 root trixels (ids 8 + r), counter-clockwise.
pub(crate) const ROOT_VERTICES: [[Vector3d; 3]; 8] = [
    [X, NZ, Y],
    [Y, NZ, NX],
    [NX, NZ, NY],
    [NY, NZ, X],
    [X, Z, NY],
    [NY, Z, NX],
    [NX, Z, Y],
    [Y, Z, X],
];

/// The unit vector halfway between `a` and `b` (sphgeom's bits).
///
/// This is [`normalize_like_sphgeom`] of `a + b`, written out for the pixel finder's
/// inner loop: sphgeom divides the two smaller components by the largest one `m`,
/// takes `n = sqrt(1 + (u² + v²))` and returns `(u/n, v/n, ±1/n)`. Only which
/// component is the largest matters for the bits (`u² + v²` is commutative, and when
/// two components tie either choice gives ±1 for both), so one comparison chain
/// replaces the general sort.
#[inline]
pub(crate) fn midpoint(a: &Vector3d, b: &Vector3d) -> Vector3d {
    let s = a.add(b);
    let (ax, ay, az) = (s.x.abs(), s.y.abs(), s.z.abs());
    if ax >= ay && ax >= az && ax > 0.0 {
        let (u, v) = (s.y / ax, s.z / ax);
        let n = (1.0 + (u * u + v * v)).sqrt();
        Vector3d::new(1f64.copysign(s.x) / n, u / n, v / n)
    } else if ay >= az && ay > ax {
        let (u, v) = (s.x / ay, s.z / ay);
        let n = (1.0 + (u * u + v * v)).sqrt();
        Vector3d::new(u / n, 1f64.copysign(s.y) / n, v / n)
    } else if az > ax && az > ay {
        let (u, v) = (s.x / az, s.y / az);
        let n = (1.0 + (u * u + v * v)).sqrt();
        Vector3d::new(u / n, v / n, 1f64.copysign(s.z) / n)
    } else {
        // Zero or NaN: not a midpoint of two trixel vertices; the general path.
        normalize_like_sphgeom(&s)
    }
}

/// The 4 children of trixel `t`, in child order 0..3.
#[inline]
pub(crate) fn children(t: &[Vector3d; 3]) -> [[Vector3d; 3]; 4] {
    let m12 = midpoint(&t[1], &t[2]);
    let m20 = midpoint(&t[2], &t[0]);
    let m01 = midpoint(&t[0], &t[1]);
    [
        [t[0], m01, m20],
        [t[1], m12, m01],
        [t[2], m20, m12],
        [m12, m20, m01],
    ]
}

/// An HTM pixelization at one subdivision level.
///
/// # Examples
/// ```
/// use skymaps::pixelization::Htm;
/// let htm = Htm::new(7).unwrap();
/// let id = htm.index_lonlat_deg(45.0, 30.0).unwrap();
/// assert_eq!(Htm::level_of(id), Some(7));
/// assert_eq!(Htm::to_string(id).unwrap().len(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Htm {
    level: u8,
}

impl Htm {
    /// # Errors
    /// [`Error::InvalidCoordinate`] if `level > 24`.
    pub fn new(level: i64) -> Result<Htm> {
        if !(0..=MAX_LEVEL as i64).contains(&level) {
            return Err(Error::coordinate(format!(
                "HTM level {level} is out of range; expected 0..={MAX_LEVEL}"
            )));
        }
        Ok(Htm { level: level as u8 })
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    /// Number of trixels at this level, `8 * 4^level`.
    pub fn num_pixels(&self) -> u64 {
        8u64 << (2 * self.level)
    }

    /// All valid ids at this level: `[8 * 4^L, 16 * 4^L)`.
    pub fn universe(&self) -> RangeSet {
        RangeSet::from_range(8u64 << (2 * self.level), 16u64 << (2 * self.level))
    }

    /// The level encoded in `id`, or `None` if `id` is not an HTM id of level 0..=24.
    pub fn level_of(id: u64) -> Option<u8> {
        if id < 8 {
            return None;
        }
        let msb = 63 - id.leading_zeros();
        if msb % 2 == 0 || msb < 3 {
            return None;
        }
        let level = (msb - 3) / 2;
        (level <= MAX_LEVEL as u32).then_some(level as u8)
    }

    /// Checks that `id` is a trixel of *this* level.
    ///
    /// # Errors
    /// [`Error::UnknownId`] naming the id and the expected range.
    pub fn check_id(&self, id: u64) -> Result<()> {
        if Self::level_of(id) != Some(self.level) {
            return Err(Error::unknown_id(format!(
                "{id} is not an HTM level-{} trixel id; expected {}..{}",
                self.level,
                8u64 << (2 * self.level),
                16u64 << (2 * self.level)
            )));
        }
        Ok(())
    }

    /// The trixel containing `v` (no validation of `v` beyond being finite and non-zero).
    pub fn index_unchecked(&self, v: &Vector3d) -> u64 {
        let r = locate::root_of(v);
        let [mut v0, mut v1, mut v2] = ROOT_VERTICES[r];
        let mut id = r as u64 + 8;
        for _ in 0..self.level {
            let m01 = midpoint(&v0, &v1);
            let m20 = midpoint(&v2, &v0);
            id <<= 2;
            if orientation(v, &m01, &m20) >= 0 {
                v1 = m01;
                v2 = m20;
                continue;
            }
            let m12 = midpoint(&v1, &v2);
            if orientation(v, &m12, &m01) >= 0 {
                v0 = v1;
                v1 = m12;
                v2 = m01;
                id += 1;
            } else if orientation(v, &m20, &m12) >= 0 {
                v0 = v2;
                v1 = m20;
                v2 = m12;
                id += 2;
            } else {
                v0 = m12;
                v1 = m20;
                v2 = m01;
                id += 3;
            }
        }
        id
    }

    /// The trixel containing the unit vector `v`.
    pub fn index(&self, v: &UnitVector3d) -> u64 {
        self.locate(v.as_vector())
    }

    /// The trixel containing (lon, lat) in degrees (sphgeom's lon/lat -> vector formula).
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] for non-finite input or |lat| > 90.
    pub fn index_lonlat_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<u64> {
        Ok(self.index(&UnitVector3d::from_lonlat_deg(lon_deg, lat_deg)?))
    }

    /// Vectorized [`Htm::index_lonlat_deg`] (parallel for large inputs).
    ///
    /// # Errors
    /// As [`Htm::index_lonlat_deg`], for the first bad point; also
    /// [`Error::ShapeMismatch`] if the slices differ in length.
    pub fn index_many_deg(&self, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<u64>> {
        crate::geometry::vector::check_lonlat_arrays(lon_deg, lat_deg)?;
        let mut out = vec![0u64; lon_deg.len()];
        crate::parallel::fill_chunks(&mut out, |start, chunk| {
            let end = start + chunk.len();
            self.locate_many_lonlat_deg_unchecked(
                &lon_deg[start..end],
                &lat_deg[start..end],
                chunk,
            );
        });
        Ok(out)
    }

    /// The vertices of trixel `id` (counter-clockwise), bit-identical to sphgeom's
    /// `HtmPixelization.triangle(id)`. Works for ids of any level.
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id` is not a valid HTM id.
    pub fn trixel_vertices(id: u64) -> Result<[Vector3d; 3]> {
        let level = Self::level_of(id)
            .ok_or_else(|| Error::unknown_id(format!("{id} is not a valid HTM trixel id")))?;
        let mut shift = 2 * level as u32;
        let r = ((id >> shift) & 7) as usize;
        let mut t = ROOT_VERTICES[r];
        while shift > 0 {
            shift -= 2;
            let child = ((id >> shift) & 3) as usize;
            t = children(&t)[child];
        }
        Ok(t)
    }

    /// The trixel's vertices, checking that `id` belongs to this level.
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id` is not a trixel of this level.
    pub fn pixel_vertices(&self, id: u64) -> Result<[Vector3d; 3]> {
        self.check_id(id)?;
        Self::trixel_vertices(id)
    }

    /// [`Htm::polygon_envelope`] of one of a run of neighbouring polygons (the patches
    /// of a tract in grid order): the search starts from the deepest trixel of `chain`
    /// (left by the previous polygon) that still strictly contains this one, which
    /// gives the same trixels for less work (see `near.rs`).
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{ConvexPolygon, UnitVector3d};
    /// use skymaps::pixelization::htm::ContainerChain;
    /// use skymaps::pixelization::Htm;
    /// let htm = Htm::new(7).unwrap();
    /// let mut chain = ContainerChain::default();
    /// for lon in [10.0, 10.2, 10.4] {
    ///     let v: Vec<_> = [(lon, 0.0), (lon + 0.2, 0.0), (lon + 0.2, 0.2), (lon, 0.2)]
    ///         .iter()
    ///         .map(|&(a, b)| UnitVector3d::from_lonlat_deg(a, b).unwrap())
    ///         .collect();
    ///     let p = ConvexPolygon::convex_hull(&v).unwrap();
    ///     assert_eq!(htm.polygon_envelope_near(&p, &mut chain), htm.polygon_envelope(&p));
    /// }
    /// ```
    pub fn polygon_envelope_near(
        &self,
        polygon: &ConvexPolygon,
        chain: &mut ContainerChain,
    ) -> RangeSet {
        let relation = PolygonTrixels::new(polygon.vertices());
        envelope_near_ranges(&relation, self.level, chain)
    }

    /// [`Htm::polygon_envelope_near`], handing each range `[begin, end)` of trixel ids
    /// (ascending, disjoint) to `emit` as it is found instead of collecting them.
    pub fn polygon_envelope_near_with(
        &self,
        polygon: &ConvexPolygon,
        chain: &mut ContainerChain,
        emit: impl FnMut(u64, u64),
    ) {
        let relation = PolygonTrixels::new(polygon.vertices());
        near::envelope_near(&relation, self.level, chain, emit);
    }

    /// The conventional name: `N`/`S` and one digit per level (`N32000000`).
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id` is not a valid HTM id.
    pub fn to_string(id: u64) -> Result<String> {
        let level = Self::level_of(id)
            .ok_or_else(|| Error::unknown_id(format!("{id} is not a valid HTM trixel id")))?;
        let mut s = String::with_capacity(level as usize + 2);
        s.push(if (id >> (2 * level as u32 + 2)) & 1 == 1 {
            'N'
        } else {
            'S'
        });
        for k in (0..=level as u32).rev() {
            let digit = (id >> (2 * k)) & 3;
            s.push(char::from(b'0' + digit as u8));
        }
        Ok(s)
    }

    /// Parses a name made by [`Htm::to_string`].
    ///
    /// # Errors
    /// [`Error::UnknownId`] for anything that is not `N`/`S` followed by 1..=25 digits
    /// 0-3.
    pub fn from_string(name: &str) -> Result<u64> {
        let bad = || {
            Error::unknown_id(format!(
                "{name:?} is not an HTM trixel name; expected 'N' or 'S' then 1 to 25 digits 0-3"
            ))
        };
        let bytes = name.as_bytes();
        if bytes.len() < 2 || bytes.len() > MAX_LEVEL as usize + 2 {
            return Err(bad());
        }
        let mut id: u64 = match bytes[0] {
            b'N' => 3,
            b'S' => 2,
            _ => return Err(bad()),
        };
        for &c in &bytes[1..] {
            if !(b'0'..=b'3').contains(&c) {
                return Err(bad());
            }
            id = id * 4 + (c - b'0') as u64;
        }
        Ok(id)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip() {
        let id = Htm::from_string("N32000000").unwrap();
        assert_eq!(Htm::level_of(id), Some(7));
        assert_eq!(Htm::to_string(id).unwrap(), "N32000000");
        assert!(Htm::from_string("X0").is_err());
        assert!(Htm::from_string("N4").is_err());
        assert_eq!(Htm::to_string(8).unwrap(), "S0");
        assert_eq!(Htm::to_string(15).unwrap(), "N3");
    }

    /// The midpoint's inlined normalisation gives the same bits as the general one.
    fn assert_same_midpoint(a: &Vector3d, b: &Vector3d) {
        let want = normalize_like_sphgeom(&a.add(b));
        let got = midpoint(a, b);
        assert_eq!(
            [got.x, got.y, got.z].map(f64::to_bits),
            [want.x, want.y, want.z].map(f64::to_bits),
            "{a:?} + {b:?}"
        );
    }

    #[test]
    fn midpoints_have_sphgeom_bits() {
        // Ties between components, signs, zeros, and every midpoint down to level 6.
        let ties = [
            Vector3d::new(1.0, 1.0, 0.0),
            Vector3d::new(-1.0, 1.0, 1.0),
            Vector3d::new(0.5, -0.5, 0.5),
            Vector3d::new(0.0, -2.0, 2.0),
            Vector3d::new(-0.0, 0.0, -3.0),
            Vector3d::new(0.0, 0.0, 0.0),
            Vector3d::new(f64::NAN, 1.0, 0.0),
        ];
        for a in &ties {
            assert_same_midpoint(a, &Vector3d::new(0.0, 0.0, 0.0));
        }
        let mut trixels: Vec<[Vector3d; 3]> = ROOT_VERTICES.to_vec();
        for _ in 0..6 {
            for t in &trixels {
                for k in 0..3 {
                    assert_same_midpoint(&t[k], &t[(k + 1) % 3]);
                }
            }
            trixels = trixels.iter().flat_map(children).collect();
        }
    }

    proptest::proptest! {
        #[test]
        fn random_midpoints_have_sphgeom_bits(
            a in proptest::array::uniform3(-1.0f64..1.0),
            b in proptest::array::uniform3(-1.0f64..1.0),
        ) {
            assert_same_midpoint(&Vector3d::new(a[0], a[1], a[2]), &Vector3d::new(b[0], b[1], b[2]));
        }
    }

    #[test]
    fn levels_of_ids() {
        assert_eq!(Htm::level_of(7), None);
        assert_eq!(Htm::level_of(16), None);
        assert_eq!(Htm::level_of(32), Some(1));
    }
}
