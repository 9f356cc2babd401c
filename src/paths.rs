//! Default locations of the database and the config directory.

use authctl::{Error, Result};
use directories::ProjectDirs;
use std::path::PathBuf;

fn project_dirs() -> Result<ProjectDirs> {
    ProjectDirs::from("", "", "authctl").ok_or_else(|| {
        Error::Internal(
            "cannot find the home directory; set AUTHCTL_DB and AUTHCTL_CONFIG_DIR".to_string(),
        )
    })
}

/// `users.db` in the platform data directory (`~/.local/share/authctl` on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    Ok(project_dirs()?.data_dir().join("users.db"))
}

/// The platform config directory (`~/.config/authctl` on Linux).
pub fn default_config_dir() -> Result<PathBuf> {
    Ok(project_dirs()?.config_dir().to_path_buf())
}
