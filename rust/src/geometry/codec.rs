//! sphgeom's binary region encoding, and the text forms the butler uses.
//!
//! The first byte names the type, then come little-endian float64 values:
//!
//! | byte | region | payload |
//! |------|--------|---------|
//! | `p` (0x70) | ConvexPolygon | N × (x, y, z) vertices, N ≥ 3 |
//! | `c` (0x63) | Circle | center x, y, z, squared chord length, opening angle (rad) |
//! | `b` (0x62) | Box | lon a, lon b, lat a, lat b (rad) |
//! | `u` / `i` | Union / Intersection | per operand: u64 byte length, operand bytes |
//!
//! A Rubin butler stores `base64(encode())` in SQL registries (several regions may be
//! joined with `:`, meaning their union) and `hex(encode())` in YAML exports.
//!
//! Decoding is stricter than sphgeom's in one way: values must be finite and vertex
//! and center vectors of unit length (within 1e-10), so garbage bytes of a plausible
//! length are rejected instead of giving a meaningless region. Every encoding sphgeom
//! writes for a valid region passes, and re-encodes to the same bytes.

use base64::Engine as _;

use super::circle::Circle;
use super::convex_polygon::ConvexPolygon;
use super::lonlat_box::LonLatBox;
use super::region::Region;
use super::vector::UnitVector3d;
use crate::{Error, Result};

pub const POLYGON_CODE: u8 = b'p';
pub const CIRCLE_CODE: u8 = b'c';
pub const BOX_CODE: u8 = b'b';
pub const ELLIPSE_CODE: u8 = b'e';
pub const UNION_CODE: u8 = b'u';
pub const INTERSECTION_CODE: u8 = b'i';

/// Nesting deeper than this is refused (it would only come from hostile input).
const MAX_DEPTH: usize = 64;

fn push_f64(buf: &mut Vec<u8>, x: f64) {
    buf.extend_from_slice(&x.to_le_bytes());
}

fn read_f64(bytes: &[u8], at: usize) -> f64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[at..at + 8]);
    f64::from_le_bytes(a)
}

impl ConvexPolygon {
    /// sphgeom's encoding: `'p'` then the vertices as little-endian doubles.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(1 + 24 * self.vertices().len());
        self.encode_into(&mut buf);
        buf
    }

    /// [`ConvexPolygon::encode`], appended to `buf` (no allocation per polygon when
    /// many are written into one buffer).
    pub fn encode_into(&self, buf: &mut Vec<u8>) {
        buf.reserve(1 + 24 * self.vertices().len());
        buf.push(POLYGON_CODE);
        for v in self.vertices() {
            push_f64(buf, v.x());
            push_f64(buf, v.y());
            push_f64(buf, v.z());
        }
    }
}

impl Circle {
    /// sphgeom's encoding: `'c'`, center, squared chord length, opening angle.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(41);
        buf.push(CIRCLE_CODE);
        let c = self.center();
        for x in [
            c.x(),
            c.y(),
            c.z(),
            self.squared_chord_length(),
            self.opening_angle_rad(),
        ] {
            push_f64(&mut buf, x);
        }
        buf
    }
}

impl LonLatBox {
    /// sphgeom's encoding: `'b'`, lon a, lon b, lat a, lat b (radians).
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(33);
        buf.push(BOX_CODE);
        for x in [self.lon().a, self.lon().b, self.lat().a, self.lat().b] {
            push_f64(&mut buf, x);
        }
        buf
    }
}

impl Region {
    /// sphgeom's binary encoding (see the module docs).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Region::ConvexPolygon(p) => p.encode(),
            Region::Circle(c) => c.encode(),
            Region::LonLatBox(b) => b.encode(),
            Region::Union(ops) => encode_compound(UNION_CODE, ops),
            Region::Intersection(ops) => encode_compound(INTERSECTION_CODE, ops),
        }
    }

    /// Decodes sphgeom's binary encoding.
    ///
    /// # Errors
    /// `Decode` for empty, truncated, over-long or garbage bytes, an unknown type byte,
    /// ellipses (unsupported), non-finite values or non-unit vectors.
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::Region;
    /// assert!(Region::decode(b"p\x00").is_err());
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Region> {
        decode_at_depth(bytes, 0)
    }

    /// Base64 (standard alphabet, padded) of [`Region::encode`], as the butler's SQL
    /// registries store regions.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.encode())
    }

    /// Decodes base64 text; several `:`-separated encodings are their union (sphgeom
    /// `Region.decodeBase64`), and the empty string is the empty union.
    ///
    /// # Errors
    /// `Decode` for invalid base64 or an invalid encoding.
    pub fn decode_base64(text: &str) -> Result<Region> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Region::Union(Vec::new()));
        }
        let decode_one = |part: &str| -> Result<Region> {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(part.trim())
                .map_err(|e| Error::decode(format!("invalid base64 region text: {e}")))?;
            Region::decode(&bytes)
        };
        if text.contains(':') {
            let parts = text
                .split(':')
                .map(decode_one)
                .collect::<Result<Vec<_>>>()?;
            Ok(Region::union(parts))
        } else {
            decode_one(text)
        }
    }

    /// Lower-case hex of [`Region::encode`], as butler YAML exports store regions.
    pub fn to_hex(&self) -> String {
        use std::fmt::Write as _;
        let bytes = self.encode();
        let mut s = String::with_capacity(2 * bytes.len());
        for b in bytes {
            let _ = write!(s, "{b:02x}");
        }
        s
    }

    /// Decodes hex text (either case).
    ///
    /// # Errors
    /// `Decode` for an odd length, a non-hex character or an invalid encoding.
    pub fn decode_hex(text: &str) -> Result<Region> {
        let t = text.trim().as_bytes();
        if t.len() % 2 != 0 {
            return Err(Error::decode(format!(
                "hex region text has an odd number of digits ({})",
                t.len()
            )));
        }
        let digit = |c: u8, at: usize| -> Result<u8> {
            (c as char).to_digit(16).map(|d| d as u8).ok_or_else(|| {
                Error::decode(format!(
                    "invalid hex digit {:?} at position {at}",
                    c as char
                ))
            })
        };
        let mut bytes = Vec::with_capacity(t.len() / 2);
        for k in (0..t.len()).step_by(2) {
            bytes.push(digit(t[k], k)? << 4 | digit(t[k + 1], k + 1)?);
        }
        Region::decode(&bytes)
    }
}

fn encode_compound(code: u8, ops: &[Region]) -> Vec<u8> {
    let mut buf = vec![code];
    for op in ops {
        let inner = op.encode();
        buf.extend_from_slice(&(inner.len() as u64).to_le_bytes());
        buf.extend_from_slice(&inner);
    }
    buf
}

fn unit_vector(x: f64, y: f64, z: f64, what: &str) -> Result<UnitVector3d> {
    UnitVector3d::from_unit_checked(x, y, z).map_err(|e| Error::decode(format!("{what}: {e}")))
}

fn decode_at_depth(bytes: &[u8], depth: usize) -> Result<Region> {
    let Some(&code) = bytes.first() else {
        return Err(Error::decode("cannot decode a region from 0 bytes"));
    };
    let n = bytes.len();
    match code {
        POLYGON_CODE => {
            if n < 1 + 24 * 3 || (n - 1) % 24 != 0 {
                return Err(Error::decode(format!(
                    "an encoded ConvexPolygon has 1 + 24·N bytes with N >= 3, got {n} bytes"
                )));
            }
            let vertices = (0..(n - 1) / 24)
                .map(|k| {
                    let at = 1 + 24 * k;
                    unit_vector(
                        read_f64(bytes, at),
                        read_f64(bytes, at + 8),
                        read_f64(bytes, at + 16),
                        &format!("polygon vertex {k}"),
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Region::ConvexPolygon(
                ConvexPolygon::from_vertices_unchecked(vertices),
            ))
        }
        CIRCLE_CODE => {
            if n != 41 {
                return Err(Error::decode(format!(
                    "an encoded Circle has 41 bytes, got {n}"
                )));
            }
            let center = unit_vector(
                read_f64(bytes, 1),
                read_f64(bytes, 9),
                read_f64(bytes, 17),
                "circle center",
            )?;
            let (cl2, angle) = (read_f64(bytes, 25), read_f64(bytes, 33));
            if !cl2.is_finite() || !angle.is_finite() {
                return Err(Error::decode(format!(
                    "circle squared chord length {cl2} and opening angle {angle} must be finite"
                )));
            }
            Ok(Region::Circle(Circle::from_parts(center, cl2, angle)))
        }
        BOX_CODE => {
            if n != 33 {
                return Err(Error::decode(format!(
                    "an encoded Box has 33 bytes, got {n}"
                )));
            }
            let v = [
                read_f64(bytes, 1),
                read_f64(bytes, 9),
                read_f64(bytes, 17),
                read_f64(bytes, 25),
            ];
            if v.iter().any(|x| x.is_infinite()) || v[2].is_nan() || v[3].is_nan() {
                return Err(Error::decode(format!("box bounds {v:?} must be finite")));
            }
            Ok(Region::LonLatBox(LonLatBox::from_encoded(
                v[0], v[1], v[2], v[3],
            )?))
        }
        UNION_CODE | INTERSECTION_CODE => {
            if depth >= MAX_DEPTH {
                return Err(Error::decode(format!(
                    "compound regions nested deeper than {MAX_DEPTH} levels"
                )));
            }
            let mut ops = Vec::new();
            let mut at = 1usize;
            while at < n {
                if n - at < 8 {
                    return Err(Error::decode(
                        "encoded compound region is truncated (operand length)",
                    ));
                }
                let mut len8 = [0u8; 8];
                len8.copy_from_slice(&bytes[at..at + 8]);
                let len = u64::from_le_bytes(len8);
                at += 8;
                if len > (n - at) as u64 {
                    return Err(Error::decode(format!(
                        "encoded compound region is truncated: operand of {len} bytes, {} left",
                        n - at
                    )));
                }
                let len = len as usize;
                ops.push(decode_at_depth(&bytes[at..at + len], depth + 1)?);
                at += len;
            }
            Ok(if code == UNION_CODE {
                Region::union(ops)
            } else {
                Region::intersection(ops)
            })
        }
        ELLIPSE_CODE => Err(Error::decode(
            "Ellipse regions (type byte 'e') are not supported",
        )),
        other => Err(Error::decode(format!(
            "unknown region type byte 0x{other:02x} (expected one of p, c, b, u, i)"
        ))),
    }
}
