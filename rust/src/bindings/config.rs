//! The config schema for Python (`skymaps.config` and the constructor classes read it
//! here rather than restating it) and the conversion of Python values to config values.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::tessellation::schema::{self, ConfigValue};
use crate::tessellation::SkyMapConfig;

/// A Python value as a config value: None, bool, int, float, str, list/tuple, dict with
/// str keys (numpy scalars through `__index__`/`__float__`); anything else as its repr,
/// so that the field check names it.
pub(crate) fn to_config_value(obj: &Bound<'_, PyAny>) -> PyResult<ConfigValue> {
    if obj.is_none() {
        return Ok(ConfigValue::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(ConfigValue::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(ConfigValue::Float(obj.extract()?));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(ConfigValue::Str(obj.extract()?));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = obj
            .try_iter()?
            .map(|item| to_config_value(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(ConfigValue::List(items));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut out = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key: String = match k.extract() {
                Ok(key) => key,
                Err(_) => return Ok(ConfigValue::Other(obj.repr()?.to_string())),
            };
            out.push((key, to_config_value(&v)?));
        }
        return Ok(ConfigValue::Map(out));
    }
    if obj.is_instance_of::<PyInt>() || obj.hasattr("__index__")? {
        // Beyond 64 bits: a float, as pex_config takes an int where a float is wanted
        // (an int field still refuses it).
        return Ok(match (obj.extract::<i64>(), obj.extract::<f64>()) {
            (Ok(i), _) => ConfigValue::Int(i),
            (_, Ok(x)) => ConfigValue::Float(x),
            _ => ConfigValue::Other(obj.repr()?.to_string()),
        });
    }
    if let Ok(x) = obj.extract::<f64>() {
        return Ok(ConfigValue::Float(x));
    }
    Ok(ConfigValue::Other(obj.repr()?.to_string()))
}

/// Every skymap kind and tract builder: fields, types, defaults, docs (JSON text).
#[pyfunction]
fn config_schema() -> String {
    schema::schema_json().to_string()
}

/// The problem with one field value, or None when the core accepts it. `owner` is a
/// skymap kind (`"rings"`: its own and the common fields) or `"tractBuilder.<name>"`.
#[pyfunction]
fn config_field_problem(
    owner: &str,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let field = match owner.strip_prefix("tractBuilder.") {
        Some(b) => schema::builder(b)?
            .fields
            .iter()
            .find(|f| f.name == name)
            .copied(),
        None => schema::kind(owner)?.field(name),
    };
    let field = field.ok_or_else(|| {
        PyErr::from(crate::Error::config(format!(
            "{owner} has no field {name:?}"
        )))
    })?;
    Ok(field
        .check(&to_config_value(value)?)
        .err()
        .map(|e| e.to_string()))
}

/// The first problem of a resolved config dict as `(key, message)`, or None if the
/// core builds it. Keys of the tract builder are `"tractBuilder.<field>"`.
#[pyfunction]
fn config_problem(config: &Bound<'_, PyAny>) -> PyResult<Option<(String, String)>> {
    Ok(SkyMapConfig::problem(&to_config_value(config)?).map(|p| (p.key, p.message)))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(config_schema, m)?)?;
    m.add_function(wrap_pyfunction!(config_field_problem, m)?)?;
    m.add_function(wrap_pyfunction!(config_problem, m)?)?;
    Ok(())
}
