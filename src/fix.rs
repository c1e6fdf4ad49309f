//! Applying fixes to text, purely. (Being built.)
