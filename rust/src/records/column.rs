//! [`BinaryColumn`]: variable-length byte strings in Arrow's layout (one buffer plus
//! `n + 1` offsets), so Python wraps them in `pyarrow` arrays without per-row objects.

use crate::parallel::map_items;
use crate::{Error, Result};

/// Variable-length byte strings in Arrow's layout: value `i` is
/// `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinaryColumn {
    pub data: Vec<u8>,
    pub offsets: Vec<i64>,
}

impl BinaryColumn {
    pub(crate) fn with_capacity(n: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        BinaryColumn {
            data: Vec::with_capacity(bytes),
            offsets,
        }
    }

    pub(crate) fn push(&mut self, value: &[u8]) {
        self.push_with(|data| data.extend_from_slice(value));
    }

    /// Appends the value that `write` appends to the data buffer.
    pub(crate) fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.data);
        self.offsets.push(self.data.len() as i64);
    }

    /// Appends every value of `other`.
    pub(crate) fn extend(&mut self, other: &BinaryColumn) {
        let base = self.data.len() as i64;
        self.data.extend_from_slice(&other.data);
        self.offsets
            .extend(other.offsets.iter().skip(1).map(|o| o + base));
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when `i` is out of range.
    pub fn get(&self, i: usize) -> Result<&[u8]> {
        if i >= self.len() {
            return Err(Error::unknown_id(format!(
                "row {i} is outside a column of {} values",
                self.len()
            )));
        }
        Ok(&self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize])
    }

    /// The same values as standard base64 text (how SQL registries store regions).
    ///
    /// # Examples
    /// ```
    /// use skymaps::records::BinaryColumn;
    /// let c = BinaryColumn::from_values(&[b"p".as_slice(), b"ab".as_slice()]);
    /// let t = c.to_base64();
    /// assert_eq!(t.get(0).unwrap(), b"cA==");
    /// assert_eq!(t.get(1).unwrap(), b"YWI=");
    /// ```
    pub fn to_base64(&self) -> BinaryColumn {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let n = self.len();
        // Encode in parallel blocks of rows, then concatenate in order.
        let blocks: Vec<usize> = (0..n.div_ceil(BASE64_BLOCK)).collect();
        let encoded = map_items(&blocks, |&b| {
            let rows = b * BASE64_BLOCK..((b + 1) * BASE64_BLOCK).min(n);
            let mut out = BinaryColumn::with_capacity(rows.len(), 0);
            let mut text = String::new();
            for i in rows {
                text.clear();
                let s = self.offsets[i] as usize;
                let e = self.offsets[i + 1] as usize;
                engine.encode_string(&self.data[s..e], &mut text);
                out.push(text.as_bytes());
            }
            out
        });
        concat_columns(encoded.iter())
    }

    /// A column from Arrow buffers, checking the offsets.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when `offsets` is empty, does not start at 0, decreases
    /// or ends beyond `data`.
    pub fn from_arrow(data: &[u8], offsets: &[i64]) -> Result<Self> {
        let ok = offsets.first() == Some(&0)
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets.last().is_some_and(|&e| e as usize <= data.len());
        if !ok {
            return Err(Error::shape(format!(
                "binary column offsets must start at 0, never decrease and end within the \
                 {} data bytes (got {} offsets)",
                data.len(),
                offsets.len()
            )));
        }
        Ok(BinaryColumn {
            data: data.to_vec(),
            offsets: offsets.to_vec(),
        })
    }

    /// A column holding `values`.
    pub fn from_values(values: &[&[u8]]) -> Self {
        let mut c = BinaryColumn::with_capacity(values.len(), 0);
        for v in values {
            c.push(v);
        }
        c
    }
}

const BASE64_BLOCK: usize = 16_384;

pub(crate) fn concat_columns<'a>(
    parts: impl Iterator<Item = &'a BinaryColumn> + Clone,
) -> BinaryColumn {
    let n: usize = parts.clone().map(BinaryColumn::len).sum();
    let bytes: usize = parts.clone().map(|c| c.data.len()).sum();
    let mut out = BinaryColumn::with_capacity(n, bytes);
    for part in parts {
        out.extend(part);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn base64_matches_engine_across_blocks() {
        let values: Vec<Vec<u8>> = (0..40_000u32)
            .map(|i| (0..(i % 7)).map(|k| (i * 31 + k) as u8).collect())
            .collect();
        let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        let column = BinaryColumn::from_values(&refs);
        let text = column.to_base64();
        assert_eq!(text.len(), values.len());
        let engine = base64::engine::general_purpose::STANDARD;
        for (i, v) in values.iter().enumerate() {
            assert_eq!(text.get(i).unwrap(), engine.encode(v).as_bytes());
        }
    }

    #[test]
    fn from_arrow_rejects_bad_offsets() {
        assert!(BinaryColumn::from_arrow(b"abc", &[0, 2, 1]).is_err());
        assert!(BinaryColumn::from_arrow(b"abc", &[0, 4]).is_err());
        assert!(BinaryColumn::from_arrow(b"abc", &[]).is_err());
        assert!(BinaryColumn::from_arrow(b"abc", &[1, 3]).is_err());
        let c = BinaryColumn::from_arrow(b"abc", &[0, 1, 3]).unwrap();
        assert_eq!(c.get(1).unwrap(), b"bc");
        assert!(c.get(2).is_err());
    }
}
