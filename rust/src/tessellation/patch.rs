//! Patches and cells: rectangles of a tract's pixel grid.
//!
//! Patch `(x, y)` has the inner box `[x * W, (x + 1) * W) x [y * H, (y + 1) * H)` and
//! sequential id `nx * y + x`. Its outer box is the inner box grown by the patch border;
//! the legacy builder clips it to the tract box, the cells builder does not. With the
//! cells builder a patch holds `n + 2b` cells per axis (`n` cells per inner patch and
//! `b` border cells), cell `(i, j)` starting at `(i - b) * C` from the patch's inner
//! origin; its outer box is grown by the cell border.

use super::bbox::PixelBox;
use super::config::TractBuilder;
use crate::{Error, Result};

/// One patch of a tract (pure pixel geometry; its sky polygons come from the tract WCS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patch {
    /// Grid index `(x, y)`.
    pub index: [i64; 2],
    /// Sequential id `nx * y + x`.
    pub id: i64,
    pub inner_bbox: PixelBox,
    pub outer_bbox: PixelBox,
    /// Cells per axis (0 for the legacy builder).
    pub num_cells: [i64; 2],
    cell_inner: i64,
    cell_border: i64,
    cells_in_border: i64,
}

/// One cell of a patch (cells builder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub index: [i64; 2],
    /// Sequential id `ncx * y + x` within the patch.
    pub id: i64,
    pub inner_bbox: PixelBox,
    pub outer_bbox: PixelBox,
}

impl Patch {
    pub(crate) fn new(
        index: [i64; 2],
        num_patches: [i64; 2],
        tract_bbox: &PixelBox,
        builder: &TractBuilder,
    ) -> Patch {
        let dims = builder.patch_inner_dimensions();
        let inner_bbox = PixelBox::new([index[0] * dims[0], index[1] * dims[1]], dims);
        let grown = inner_bbox.grown(builder.patch_border());
        let outer_bbox = if builder.clips_outer_to_tract() {
            grown.clipped(tract_bbox)
        } else {
            grown
        };
        let (num_cells, cell_inner, cell_border, cells_in_border) = match *builder {
            TractBuilder::Cells {
                cell_inner_dimensions,
                cell_border,
                num_cells_per_patch_inner,
                num_cells_in_patch_border,
            } => {
                let n = num_cells_per_patch_inner + 2 * num_cells_in_patch_border;
                (
                    [n, n],
                    cell_inner_dimensions[0],
                    cell_border,
                    num_cells_in_patch_border,
                )
            }
            TractBuilder::Legacy { .. } => ([0, 0], 0, 0, 0),
        };
        Patch {
            index,
            id: sequential_id(index, num_patches),
            inner_bbox,
            outer_bbox,
            num_cells,
            cell_inner,
            cell_border,
            cells_in_border,
        }
    }

    /// The cell at `(x, y)`.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when the patch has no cells or the index is outside the grid.
    pub fn cell(&self, index: [i64; 2]) -> Result<Cell> {
        let [nx, ny] = self.num_cells;
        if nx == 0 {
            return Err(Error::unknown_id(format!(
                "patch {:?} has no cells (legacy tract builder)",
                self.index
            )));
        }
        if !(0..nx).contains(&index[0]) || !(0..ny).contains(&index[1]) {
            return Err(Error::unknown_id(format!(
                "cell index {index:?} is outside the patch's cell grid [0, {nx}) x [0, {ny})"
            )));
        }
        let origin = self.inner_bbox.min;
        let c = self.cell_inner;
        let inner_bbox = PixelBox::new(
            [
                (index[0] - self.cells_in_border) * c + origin[0],
                (index[1] - self.cells_in_border) * c + origin[1],
            ],
            [c, c],
        );
        Ok(Cell {
            index,
            id: sequential_id(index, self.num_cells),
            inner_bbox,
            outer_bbox: inner_bbox.grown(self.cell_border),
        })
    }

    /// The cell with sequential id `ncx * y + x`.
    ///
    /// # Errors
    /// As [`Patch::cell`].
    pub fn cell_by_id(&self, id: i64) -> Result<Cell> {
        let [nx, ny] = self.num_cells;
        if nx == 0 || !(0..nx * ny).contains(&id) {
            return Err(Error::unknown_id(format!(
                "cell id {id} is outside the patch's range [0, {})",
                nx * ny
            )));
        }
        self.cell(grid_index(id, self.num_cells))
    }

    /// The cell whose inner box holds pixel `(px, py)` (integer pixel of the tract),
    /// counting border cells; `None` outside the cell grid or for a legacy patch.
    pub fn cell_index_at_pixel(&self, px: i64, py: i64) -> Option<[i64; 2]> {
        if self.num_cells[0] == 0 {
            return None;
        }
        let c = self.cell_inner;
        let ix = (px - self.inner_bbox.min[0]).div_euclid(c) + self.cells_in_border;
        let iy = (py - self.inner_bbox.min[1]).div_euclid(c) + self.cells_in_border;
        if (0..self.num_cells[0]).contains(&ix) && (0..self.num_cells[1]).contains(&iy) {
            Some([ix, iy])
        } else {
            None
        }
    }
}

/// The sequential id of grid index `(x, y)` in a grid of `[nx, ny]`: `nx * y + x` (the
/// one place patch and cell ids are computed).
#[inline]
pub fn sequential_id(index: [i64; 2], grid: [i64; 2]) -> i64 {
    grid[0] * index[1] + index[0]
}

/// The grid index `(x, y)` of sequential id `id` in a grid of `[nx, ny]` (`nx > 0`).
#[inline]
pub fn grid_index(id: i64, grid: [i64; 2]) -> [i64; 2] {
    [id % grid[0], id / grid[0]]
}
