//! Integer pixel boxes (`lsst.geom.Box2I`) and the rounding from a floating-point box.
//!
//! Pixel `i` covers `[i - 0.5, i + 0.5]`, so the sky edge of an integer box runs
//! half a pixel outside its first and last pixel centres (`Box2D(Box2I)`).

use crate::{Error, Result};

/// A non-empty integer pixel box: `min` (inclusive) and `dims` (> 0) per axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelBox {
    pub min: [i64; 2],
    pub dims: [i64; 2],
}

impl PixelBox {
    /// A box from its first pixel and its size.
    pub const fn new(min: [i64; 2], dims: [i64; 2]) -> Self {
        PixelBox { min, dims }
    }

    /// The last pixel (inclusive) per axis.
    pub fn max(&self) -> [i64; 2] {
        [
            self.min[0] + self.dims[0] - 1,
            self.min[1] + self.dims[1] - 1,
        ]
    }

    /// `Box2I(Box2D, EXPAND)`: every pixel whose centre lies within half a pixel of
    /// the float box is kept (`min = floor(lo + 0.5)`, `max = ceil(hi - 0.5)`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a non-finite or inverted float box.
    pub fn expand_from_float(lo: [f64; 2], hi: [f64; 2]) -> Result<Self> {
        let mut min = [0i64; 2];
        let mut dims = [0i64; 2];
        for k in 0..2 {
            if !lo[k].is_finite() || !hi[k].is_finite() || hi[k] < lo[k] {
                return Err(Error::config(format!(
                    "cannot make a pixel box from [{lo:?}, {hi:?}]: the tract's sky extent \
                     does not project to a finite box (radius or overlap too large for the projection?)"
                )));
            }
            let a = (lo[k] + 0.5).floor();
            let b = (hi[k] - 0.5).ceil();
            if a.abs() > 1e15 || b.abs() > 1e15 {
                return Err(Error::config(format!(
                    "pixel box [{lo:?}, {hi:?}] is too large"
                )));
            }
            min[k] = a as i64;
            dims[k] = (b as i64) + 1 - min[k];
        }
        Ok(PixelBox { min, dims })
    }

    /// Grown by `border` pixels on every side.
    pub fn grown(&self, border: i64) -> PixelBox {
        PixelBox {
            min: [self.min[0] - border, self.min[1] - border],
            dims: [self.dims[0] + 2 * border, self.dims[1] + 2 * border],
        }
    }

    /// The intersection with `other` (assumed to overlap).
    pub fn clipped(&self, other: &PixelBox) -> PixelBox {
        let (a, b) = (self.max(), other.max());
        let min = [self.min[0].max(other.min[0]), self.min[1].max(other.min[1])];
        let max = [a[0].min(b[0]), a[1].min(b[1])];
        PixelBox {
            min,
            dims: [max[0] - min[0] + 1, max[1] - min[1] + 1],
        }
    }

    /// Whether pixel `(x, y)` is inside.
    pub fn contains(&self, x: i64, y: i64) -> bool {
        let m = self.max();
        x >= self.min[0] && x <= m[0] && y >= self.min[1] && y <= m[1]
    }

    /// The pixel-edge corners `Box2D(bbox).getCorners()`: (minX, minY), (maxX, minY),
    /// (maxX, maxY), (minX, maxY), each half a pixel outside the pixel centres.
    pub fn edge_corners(&self) -> [[f64; 2]; 4] {
        self.inset_corners(0.0)
    }

    /// The pixel-edge corners moved `inset` pixels inward (`Box2D.grow(-inset)`).
    pub fn inset_corners(&self, inset: f64) -> [[f64; 2]; 4] {
        let m = self.max();
        let x0 = self.min[0] as f64 - 0.5 + inset;
        let y0 = self.min[1] as f64 - 0.5 + inset;
        let x1 = m[0] as f64 + 0.5 - inset;
        let y1 = m[1] as f64 + 0.5 - inset;
        [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn expand_keeps_touching_pixels() {
        let b = PixelBox::expand_from_float([-0.6, 0.4], [3.2, 3.6]).unwrap();
        assert_eq!(b.min, [-1, 0]);
        assert_eq!(b.max(), [3, 4]);
        assert!(PixelBox::expand_from_float([f64::NAN, 0.0], [1.0, 1.0]).is_err());
    }

    #[test]
    fn grow_clip_contains() {
        let t = PixelBox::new([0, 0], [100, 100]);
        let p = PixelBox::new([0, 50], [50, 50]).grown(10).clipped(&t);
        assert_eq!(p.min, [0, 40]);
        assert_eq!(p.max(), [59, 99]);
        assert!(p.contains(0, 40) && !p.contains(60, 40));
        assert_eq!(t.edge_corners()[2], [99.5, 99.5]);
    }
}
