//! Counts in words: `1 entry`, `2 entries`.

/// `n` with the word for one or for many: `plural(1, "entry", "entries")` is `1 entry`,
/// `plural(0, "entry", "entries")` is `0 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_every_other_count_plural() {
        assert_eq!(plural(1, "entry", "entries"), "1 entry");
        assert_eq!(plural(0, "entry", "entries"), "0 entries");
        assert_eq!(
            plural(2, "scheduled backup", "scheduled backups"),
            "2 scheduled backups"
        );
    }
}
