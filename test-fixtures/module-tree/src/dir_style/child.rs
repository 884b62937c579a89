pub fn in_dir_style() {}
