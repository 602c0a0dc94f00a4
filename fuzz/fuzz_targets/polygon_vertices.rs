//! Polygons from arbitrary vertices (any f64 bit patterns, as Python passes them):
//! construction fails cleanly or gives a polygon that contains its own centroid and
//! survives encode/decode and an HTM envelope.
#![no_main]
use libfuzzer_sys::fuzz_target;
use skymaps::geometry::{ConvexPolygon, Region, UnitVector3d};
use skymaps::pixelization::Htm;

fn floats(data: &[u8]) -> impl Iterator<Item = f64> + '_ {
    data.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let values: Vec<f64> = floats(rest).take(3 * 64).collect();
    let vertices: Vec<UnitVector3d> = if mode & 1 == 0 {
        values
            .chunks_exact(3)
            .filter_map(|v| UnitVector3d::new(v[0], v[1], v[2]).ok())
            .collect()
    } else {
        values
            .chunks_exact(2)
            .filter_map(|v| UnitVector3d::from_lonlat_deg(v[0], v[1]).ok())
            .collect()
    };
    let built = match mode >> 1 & 3 {
        0 => ConvexPolygon::convex_hull(&vertices),
        1 => ConvexPolygon::from_vertices(vertices),
        _ => ConvexPolygon::from_outline(vertices),
    };
    if let Ok(polygon) = built {
        let _ = polygon.contains(&polygon.centroid());
        let region = Region::ConvexPolygon(polygon);
        let decoded = Region::decode(&region.encode()).expect("a built polygon decodes");
        assert_eq!(decoded.encode(), region.encode());
        let level = i64::from(mode >> 3 & 7);
        let htm = Htm::new(level).expect("levels 0..8 exist");
        let envelope = htm.envelope(&region, 0);
        let interior = htm.interior(&region, 0);
        assert!(envelope.is_superset(&interior), "interior within envelope");
    }
});
