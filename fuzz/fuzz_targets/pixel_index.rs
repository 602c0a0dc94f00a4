//! HTM and HEALPix indexes and envelopes on arbitrary floats and levels: no panic,
//! an index from a valid level and point is inside the envelope of a circle there.
#![no_main]
use libfuzzer_sys::fuzz_target;
use skymaps::geometry::{Circle, Region, UnitVector3d};
use skymaps::pixelization::{Healpix, Htm};

fuzz_target!(|data: &[u8]| {
    if data.len() < 26 {
        return;
    }
    let f = |i: usize| f64::from_le_bytes(data[i..i + 8].try_into().expect("8 bytes"));
    let (lon, lat, radius) = (f(0), f(8), f(16));
    let level = i64::from(data[24] as i8);
    let small = i64::from(data[25] % 12); // envelopes: orders where any region is cheap
    let _ = Htm::new(level).map(|htm| htm.index_lonlat_deg(lon, lat));
    let _ = Healpix::new(level, data[25] & 0x80 != 0).map(|hp| hp.index_lonlat_deg(lon, lat));
    let Ok(center) = UnitVector3d::from_lonlat_deg(lon, lat) else {
        return;
    };
    let Ok(circle) = Circle::new(center, radius) else {
        return;
    };
    let region = Region::Circle(circle);
    if let Ok(htm) = Htm::new(small) {
        let pixel = htm.index(&center);
        assert!(
            htm.envelope(&region, 0).contains(pixel),
            "htm envelope misses the center"
        );
        let _ = htm.envelope(&region, 8);
        let _ = htm.interior(&region, 0);
    }
    if let Ok(hp) = Healpix::new(small, true) {
        let pixel = hp.index(&center);
        let envelope = hp.envelope(&region).expect("a circle's envelope");
        assert!(
            envelope.contains(pixel),
            "healpix envelope misses the center"
        );
        let interior = hp.interior(&region).expect("a circle's interior");
        assert!(envelope.is_superset(&interior));
    }
});
