//! Bounds the stack a statement may use, as PostgreSQL's `check_stack_depth` does.
//!
//! The engine walks expression and query trees recursively. The parser bounds their depth
//! (`parser::MAX_NESTING`, `parser::MAX_OPERATORS`) and long left-nested chains are walked
//! iteratively, but what a level costs depends on the build and the target: the browser's
//! main thread has 1 MiB of stack, and an unoptimised build's frames are several times
//! larger. So the recursive walks (binding, planning, folding, evaluation, subqueries) also
//! measure the stack itself: [`enter`] records where a statement's stack starts, and
//! [`check`] refuses with 54001 `stack depth limit exceeded` once the statement has used
//! [`BUDGET`] bytes below that point.
//!
//! Invariant: the budget plus what callers above `Session::execute` use, plus the deepest
//! stretch between two checks, stays below the smallest stack the engine runs on (1 MiB).
//! Addresses are only compared, never dereferenced; on wasm32 they are addresses in the
//! shadow stack, which grows downwards as the native one does.

use std::cell::Cell;

use super::error::SqlError;

/// Bytes of stack one statement may use before 54001.
const BUDGET: usize = 640 * 1024;

thread_local! {
    /// Where the outermost statement running on this thread started; 0 when none runs.
    static BASE: Cell<usize> = const { Cell::new(0) };
}

/// The address of a local of the caller's frame: the current depth of the stack.
#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Marks the start of a statement's stack until dropped. Nested statements (a statement
/// run while another is) keep the outermost start, so their use adds up.
pub(super) struct Start {
    outermost: bool,
}

/// Records the current stack depth as the start of a statement.
pub(super) fn enter() -> Start {
    let outermost = BASE.with(|b| {
        if b.get() == 0 {
            b.set(here());
            true
        } else {
            false
        }
    });
    Start { outermost }
}

impl Drop for Start {
    fn drop(&mut self) {
        if self.outermost {
            BASE.with(|b| b.set(0));
        }
    }
}

/// 54001 once the running statement has used more than [`BUDGET`] bytes of stack.
#[inline]
pub(super) fn check() -> Result<(), SqlError> {
    let base = BASE.with(Cell::get);
    if base != 0 && base.abs_diff(here()) > BUDGET {
        return Err(SqlError::stack_depth_exceeded());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descend(levels: usize) -> Result<usize, SqlError> {
        check()?;
        // A frame of about a kilobyte, kept alive across the recursive call.
        let pad = std::hint::black_box([0u8; 1024]);
        if levels == 0 {
            return Ok(pad[0] as usize);
        }
        Ok(descend(levels - 1)? + pad[1] as usize)
    }

    #[test]
    fn deep_recursion_is_refused_before_the_stack_runs_out() {
        let r = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                let _start = enter();
                (
                    descend(10),
                    descend(100_000).map_err(|e| e.code().to_string()),
                )
            })
            .expect("spawn")
            .join()
            .expect("join");
        assert!(r.0.is_ok());
        assert_eq!(r.1, Err("54001".to_string()));
    }

    #[test]
    fn no_statement_no_limit() {
        assert!(check().is_ok());
        let start = enter();
        drop(start);
        assert_eq!(BASE.with(Cell::get), 0);
    }
}
