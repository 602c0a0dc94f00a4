//! FITS-header WCS parsing: arbitrary header cards become `headers`-skymap tract
//! entries (as `skymaps.headers.tract_entry` writes them), the core parses them, builds
//! each image's WCS, footprint and the owner index, then maps pixels to the sky and
//! back and looks points up. Errors are fine; a panic, abort or hang is a bug.
//!
//! Input: text cards `KEY = value / comment`, one per line; a line `END` starts the
//! next image (at most 4). Keys read: NAXISn, CTYPEn, CRVALn, CRPIXn, CDi_j, LONPOLE,
//! LATPOLE, PVi_m, A_ORDER/B_ORDER/AP_ORDER/BP_ORDER and A_p_q/B_p_q/AP_p_q/BP_p_q.
//! Keys missing from an image take a plain TAN value, so the fuzzer reaches the WCS.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use skymaps::lookup::find_tract_patch;
use skymaps::tessellation::SkyMap;

/// A card's value: quoted string, logical, integer, float (`D` exponents too), or
/// the raw text (the core must refuse it with a message).
fn card_value(text: &str) -> Value {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('\'') {
        let end = rest.find('\'').unwrap_or(rest.len());
        return Value::String(rest[..end].trim_end().to_owned());
    }
    let text = text.split('/').next().unwrap_or("").trim();
    match text {
        "T" => return Value::Bool(true),
        "F" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return json!(i);
    }
    match text.replace(['D', 'd'], "E").parse::<f64>() {
        // Non-finite floats have no JSON form: pass them as text, as a reader would.
        Ok(x) if x.is_finite() => json!(x),
        _ => Value::String(text.to_owned()),
    }
}

fn pair(cards: &Map<String, Value>, key: &str, default: [Value; 2]) -> Value {
    let [d1, d2] = default;
    json!([
        cards.get(&format!("{key}1")).cloned().unwrap_or(d1),
        cards.get(&format!("{key}2")).cloned().unwrap_or(d2)
    ])
}

/// `[p, q, value]` triples of `PREFIX_p_q` cards (`PV1_4` -> `[1, 4, value]` too).
fn triples(cards: &Map<String, Value>, prefix: &str) -> Vec<Value> {
    cards
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(prefix)?;
            let rest = if prefix == "PV" {
                rest
            } else {
                rest.strip_prefix('_')?
            };
            let (p, q) = rest.split_once('_')?;
            Some(json!([p.parse::<i64>().ok()?, q.parse::<i64>().ok()?, v]))
        })
        .collect()
}

/// The tract entry of one image's cards.
fn entry(index: usize, cards: &Map<String, Value>) -> Value {
    let get = |k: &str, d: Value| cards.get(k).cloned().unwrap_or(d);
    let mut e = json!({
        "name": format!("image{index}"), "file": "fuzz.fits", "hdu": index,
        "naxis": pair(cards, "NAXIS", [json!(200), json!(100)]),
        "ctype": pair(cards, "CTYPE", [json!("RA---TAN"), json!("DEC--TAN")]),
        "crval": pair(cards, "CRVAL", [json!(10.0 * index as f64), json!(-5.0)]),
        "crpix": pair(cards, "CRPIX", [json!(100.5), json!(50.5)]),
        "cd": [[get("CD1_1", json!(-1e-3)), get("CD1_2", json!(0.0))],
               [get("CD2_1", json!(0.0)), get("CD2_2", json!(1e-3))]],
    });
    let Some(map) = e.as_object_mut() else {
        return e;
    };
    for (card, key) in [("LONPOLE", "lonpole"), ("LATPOLE", "latpole")] {
        if let Some(v) = cards.get(card) {
            map.insert(key.into(), v.clone());
        }
    }
    let pv = triples(cards, "PV");
    if !pv.is_empty() {
        map.insert("pv".into(), Value::Array(pv));
    }
    let mut sip = Map::new();
    for name in ["A", "B", "AP", "BP"] {
        if let Some(order) = cards.get(&format!("{name}_ORDER")) {
            let lower = name.to_ascii_lowercase();
            sip.insert(format!("{lower}_order"), order.clone());
            sip.insert(lower, Value::Array(triples(cards, name)));
        }
    }
    if !sip.is_empty() {
        map.insert("sip".into(), Value::Object(sip));
    }
    e
}

fn config(text: &str) -> Value {
    let mut images = vec![Map::new()];
    for line in text.lines() {
        if line.trim() == "END" {
            if images.len() == 4 {
                break;
            }
            images.push(Map::new());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        if let Some(cards) = images.last_mut() {
            cards.insert(key, card_value(value));
        }
    }
    let tracts: Vec<Value> = images
        .iter()
        .enumerate()
        .map(|(i, c)| entry(i, c))
        .collect();
    json!({
        "skymap_class": "headers", "version": 1, "projection": "TAN", "pixelScale": 0.333,
        "tractOverlap": 0.0, "rotation": 0.0,
        "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 0},
        "tracts": tracts, "patchGrid": [1, 1],
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sky) = SkyMap::from_json(&config(text).to_string()) else {
        return;
    };
    let (mut lon, mut lat) = (Vec::new(), Vec::new());
    for tract in sky.tracts() {
        let wcs = tract.wcs();
        let b = tract.bbox();
        let ([x0, y0], [x1, y1]) = (b.min.map(|v| v as f64), b.max().map(|v| v as f64));
        let (xc, yc) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1), (xc, yc)] {
            if let Some((a, d)) = wcs.pixel_to_sky_rad(x, y) {
                let _ = wcs.sky_to_pixel_rad(a, d);
                lon.push(a.to_degrees());
                lat.push(d.to_degrees());
            }
        }
    }
    let _ = find_tract_patch(&sky, &lon, &lat);
});
