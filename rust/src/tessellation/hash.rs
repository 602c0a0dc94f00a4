//! The skymap SHA1 that `lsst.skymap` computes (`BaseSkyMap.getSha1`), which the butler
//! stores in the `skymap` dimension record to recognise the same skymap again.
//!
//! `sha1(class name)`, then the tract builder's packed config (Python `struct`,
//! little-endian, no padding), then the subclass's own fields:
//!
//! * legacy builder: `<iiidd3sd` (patch inner x, y, border, tractOverlap, pixelScale,
//!   projection, rotation); cells builder: `<iiiiidd3sd` (cell inner x, y, cell border,
//!   cells per patch, border cells, then the same four);
//! * rings `<id` (numRings, raStart); discrete `<Nd` for raList, decList, radiusList;
//!   equat `<i2d`; dodeca `<?`; healpix `<i?`;
//! * skymaps' own kinds (no `lsst.skymap` class): HEALPix/HTM grids `<i` (order or
//!   level); bricks `<diiii` (brick size, column
//!   multiple, first id, tract dimensions) then the naming rule's name in ASCII;
//!   headers `<ii` (patch grid) then the `tracts` list as canonical JSON (UTF-8, keys
//!   sorted, no whitespace, floats in their shortest round-trip form), so the hash is
//!   defined by the saved config's content: every WCS value, name, file and HDU.

use super::config::{SkyMapConfig, SkyMapKind, TractBuilder};
use sha1::{Digest, Sha1};

fn push_i32(out: &mut Vec<u8>, v: i64) {
    // Config validation keeps every packed integer within i32.
    out.extend_from_slice(&(v as i32).to_le_bytes());
}

fn push_f64(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The bytes hashed after the class name: builder packing then subclass packing.
pub fn packed_config(config: &SkyMapConfig) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    match config.tract_builder {
        TractBuilder::Legacy {
            patch_inner_dimensions: d,
            patch_border,
        } => {
            push_i32(&mut out, d[0]);
            push_i32(&mut out, d[1]);
            push_i32(&mut out, patch_border);
        }
        TractBuilder::Cells {
            cell_inner_dimensions: d,
            cell_border,
            num_cells_per_patch_inner,
            num_cells_in_patch_border,
        } => {
            push_i32(&mut out, d[0]);
            push_i32(&mut out, d[1]);
            push_i32(&mut out, cell_border);
            push_i32(&mut out, num_cells_per_patch_inner);
            push_i32(&mut out, num_cells_in_patch_border);
        }
    }
    push_f64(&mut out, config.tract_overlap_deg);
    push_f64(&mut out, config.pixel_scale_arcsec);
    let mut code = [0u8; 3];
    for (slot, b) in code.iter_mut().zip(config.projection.code().bytes()) {
        *slot = b;
    }
    out.extend_from_slice(&code);
    push_f64(&mut out, config.rotation_deg);
    match &config.kind {
        SkyMapKind::Rings {
            num_rings,
            ra_start_deg,
        } => {
            push_i32(&mut out, *num_rings);
            push_f64(&mut out, *ra_start_deg);
        }
        SkyMapKind::Discrete {
            ra_deg,
            dec_deg,
            radius_deg,
        } => {
            for list in [ra_deg, dec_deg, radius_deg] {
                for v in list {
                    push_f64(&mut out, *v);
                }
            }
        }
        SkyMapKind::Equat {
            num_tracts,
            dec_range_deg,
        } => {
            push_i32(&mut out, *num_tracts);
            push_f64(&mut out, dec_range_deg[0]);
            push_f64(&mut out, dec_range_deg[1]);
        }
        SkyMapKind::Dodeca {
            with_tracts_on_poles,
        } => out.push(u8::from(*with_tracts_on_poles)),
        SkyMapKind::Healpix { log2_nside, nest } => {
            push_i32(&mut out, *log2_nside);
            out.push(u8::from(*nest));
        }
        SkyMapKind::HealpixGrid { order: depth } | SkyMapKind::HtmGrid { level: depth } => {
            push_i32(&mut out, *depth)
        }
        SkyMapKind::Bricks {
            tiling,
            tract_dimensions,
        } => {
            push_f64(&mut out, tiling.height_deg());
            push_i32(&mut out, i64::from(tiling.column_multiple()));
            push_i32(&mut out, tiling.first_id());
            push_i32(&mut out, tract_dimensions[0]);
            push_i32(&mut out, tract_dimensions[1]);
            out.extend_from_slice(tiling.naming().name().as_bytes());
        }
        SkyMapKind::Headers { tracts, patch_grid } => {
            push_i32(&mut out, patch_grid[0]);
            push_i32(&mut out, patch_grid[1]);
            let list: Vec<serde_json::Value> = tracts.iter().map(|t| t.to_value()).collect();
            out.extend_from_slice(serde_json::Value::Array(list).to_string().as_bytes());
        }
    }
    out
}

/// The 20-byte SHA1 `lsst.skymap` gives a skymap with this config.
pub fn skymap_sha1(config: &SkyMapConfig) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(config.kind.class_name().as_bytes());
    h.update(packed_config(config));
    h.finalize().into()
}
