pub fn in_file_style() {}
