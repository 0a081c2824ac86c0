//! Columns to pandas DataFrames: numbers go over as NumPy arrays (one buffer per column, no
//! per-element Python floats); text goes over as lists of str.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// One column of a frame.
pub enum Column {
    /// Floating-point numbers.
    F64(Vec<f64>),
    /// Counts and positions.
    I64(Vec<i64>),
    /// Text.
    Str(Vec<String>),
    /// Flags.
    Bool(Vec<bool>),
}

/// Builds a frame column by column, in order.
#[derive(Default)]
pub struct Frame {
    columns: Vec<(&'static str, Column)>,
}

impl Frame {
    /// An empty frame.
    pub fn new() -> Self {
        Frame::default()
    }

    /// Add a column (all columns must have the same length).
    pub fn col(mut self, name: &'static str, column: Column) -> Self {
        self.columns.push((name, column));
        self
    }

    /// `pandas.DataFrame({name: column, …})`.
    pub fn into_pandas(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        static DATA_FRAME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let data_frame = DATA_FRAME.import(py, "pandas", "DataFrame")?;
        let data = PyDict::new(py);
        for (name, column) in self.columns {
            match column {
                Column::F64(v) => data.set_item(name, PyArray1::from_vec(py, v))?,
                Column::I64(v) => data.set_item(name, PyArray1::from_vec(py, v))?,
                Column::Str(v) => data.set_item(name, crate::json::str_list(py, &v)?)?,
                Column::Bool(v) => data.set_item(name, PyArray1::from_vec(py, v))?,
            }
        }
        data_frame.call1((data,))
    }
}
