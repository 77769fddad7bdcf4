//! Shell variables and the environment of one machine.
//!
//! Variables keep the order in which they were first set, because `env`
//! prints the environment in that order, as a real process does.

/// One variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    /// A valid shell name: letters, digits, `_`, not starting with a digit.
    pub name: String,
    /// The value.
    pub value: String,
    /// Whether child processes see it (`export`).
    pub exported: bool,
}

/// The variables of a shell, in first-set order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    vars: Vec<Var>,
}

/// True when `name` is a valid shell variable name.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl Vars {
    /// The value of a variable, exported or not.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    /// Sets a variable, keeping its exported flag if it exists.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => v.value = value.to_string(),
            None => self.vars.push(Var {
                name: name.to_string(),
                value: value.to_string(),
                exported: false,
            }),
        }
    }

    /// Marks a variable exported, creating it empty-valued if needed.
    pub fn export(&mut self, name: &str, value: Option<&str>) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => {
                v.exported = true;
                if let Some(value) = value {
                    v.value = value.to_string();
                }
            }
            None => self.vars.push(Var {
                name: name.to_string(),
                value: value.unwrap_or_default().to_string(),
                exported: true,
            }),
        }
    }

    /// Removes a variable.
    pub fn unset(&mut self, name: &str) {
        self.vars.retain(|v| v.name != name);
    }

    /// The exported variables, in order.
    pub fn exported(&self) -> impl Iterator<Item = &Var> {
        self.vars.iter().filter(|v| v.exported)
    }
}
