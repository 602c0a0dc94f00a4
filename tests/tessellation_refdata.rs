//! Rebuilds the real `lsst.skymap` records in tests/data/refdata from their configs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use skymaps::tessellation::{SkyMap, SkyMapConfig};
use std::collections::HashMap;

fn refdata(name: &str) -> Value {
    let path = format!("{}/tests/data/refdata/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The resolved config dict built from refdata's `config` / `config_normalised`.
fn resolved(entry: &Value) -> Value {
    let n = &entry["config_normalised"];
    let c = &entry["config"];
    let builder = if n["tractBuilder"].as_str().unwrap().starts_with("cells") {
        json!({"name": "cells", "cellInnerDimensions": n["cellInnerDimensions"],
               "cellBorder": n["cellBorder"], "numCellsPerPatchInner": n["numCellsPerPatchInner"],
               "numCellsInPatchBorder": n["numCellsInPatchBorder"]})
    } else {
        json!({"name": "legacy", "patchInnerDimensions": n["patchInnerDimensions"],
               "patchBorder": n["patchBorder"]})
    };
    let class = entry["class"].as_str().unwrap();
    let mut v = json!({
        "version": entry["constructor_version_arg"].as_i64().unwrap_or(0),
        "projection": n["projection"], "pixelScale": n["pixelScale"],
        "tractOverlap": n["tractOverlap"], "rotation": n["rotation"], "tractBuilder": builder,
    });
    let o = v.as_object_mut().unwrap();
    if class.ends_with("RingsSkyMap") {
        o.insert("skymap_class".into(), json!("rings"));
        o.insert("numRings".into(), c["numRings"].clone());
        o.insert("raStart".into(), c["raStart"].clone());
    } else {
        o.insert("skymap_class".into(), json!("discrete"));
        for k in ["raList", "decList", "radiusList"] {
            o.insert(k.into(), c[k].clone());
        }
    }
    v
}

fn skymaps() -> HashMap<String, SkyMap> {
    let configs = refdata("skymap_configs.json");
    let mut out = HashMap::new();
    for entry in configs["skymaps"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap().to_string();
        let config = SkyMapConfig::from_value(&resolved(entry)).unwrap();
        out.insert(name, SkyMap::new(config).unwrap());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hashes_match_lsst_skymap() {
    let configs = refdata("skymap_configs.json");
    let maps = skymaps();
    for entry in configs["skymaps"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        assert_eq!(
            hex(&maps[name].hash()),
            entry["computed_hash_hex"].as_str().unwrap(),
            "{name}"
        );
    }
    // And the hashes the butler registries store.
    let records = refdata("skymap_dimension_records.json");
    for rec in records["skymaps"].as_array().unwrap() {
        let name = rec["name"].as_str().unwrap();
        let sky = &maps[name];
        assert_eq!(
            hex(&sky.hash()),
            rec["hash_hex"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            sky.tract_max(),
            rec["tract_max"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sky.patch_nx_max(),
            rec["patch_nx_max"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            sky.patch_ny_max(),
            rec["patch_ny_max"].as_u64().unwrap(),
            "{name}"
        );
    }
}

fn vertices(rec: &Value) -> Vec<[f64; 3]> {
    rec["vertices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let x = v["xyz"].as_array().unwrap();
            [
                x[0].as_f64().unwrap(),
                x[1].as_f64().unwrap(),
                x[2].as_f64().unwrap(),
            ]
        })
        .collect()
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Same vertices in the same (sphgeom hull) order, each within 1e-13 rad.
fn assert_same_corners(ours: &[[f64; 3]], theirs: &[[f64; 3]], what: &str) -> f64 {
    assert_eq!(ours.len(), theirs.len(), "{what}");
    let mut worst = 0.0f64;
    for (o, t) in ours.iter().zip(theirs) {
        let d = dist(*o, *t);
        assert!(
            d <= 1e-13,
            "{what}: vertex {t:?} is {d:e} rad from ours {o:?}"
        );
        worst = worst.max(d);
    }
    worst
}

#[test]
fn tract_and_patch_records_rebuilt() {
    let maps = skymaps();
    let records = refdata("skymap_dimension_records.json");
    let mut n = 0;
    let mut worst = 0.0f64;
    for rec in records["tracts"].as_array().unwrap() {
        let sky = &maps[rec["skymap"].as_str().unwrap()];
        let tract = sky.tract(rec["tract"].as_i64().unwrap()).unwrap();
        let ours: Vec<[f64; 3]> = tract
            .outer_polygon()
            .unwrap()
            .vertices()
            .iter()
            .map(|v| v.to_array())
            .collect();
        let d = assert_same_corners(&ours, &vertices(rec), "tract");
        if rec["source"]["repo"] != "lsst/daf_butler" {
            worst = worst.max(d);
        }
        n += 1;
    }
    for rec in records["patches"].as_array().unwrap() {
        let sky = &maps[rec["skymap"].as_str().unwrap()];
        let tract = sky.tract(rec["tract"].as_i64().unwrap()).unwrap();
        let patch = tract.patch_by_id(rec["patch"].as_i64().unwrap()).unwrap();
        assert_eq!(
            patch.index,
            [
                rec["cell_x"].as_i64().unwrap(),
                rec["cell_y"].as_i64().unwrap()
            ]
        );
        let ours: Vec<[f64; 3]> = tract
            .polygon_vertices(&patch.outer_bbox, 0.0)
            .unwrap()
            .iter()
            .map(|v| v.to_array())
            .collect();
        let d = assert_same_corners(&ours, &vertices(rec), "patch");
        if rec["source"]["repo"] != "lsst/daf_butler" {
            worst = worst.max(d);
        }
        n += 1;
    }
    assert!(n > 60);
    println!("worst vertex distance (records not from daf_butler test data): {worst:e} rad");
}
