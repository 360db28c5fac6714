//! Who is acting: a tenant plus a role. Every rule takes an [`Actor`].
//!
//! - Another tenant's record answers `not_found` ("Resource not
//!   available"), never revealing that it exists.
//! - A superadmin acts across tenants.
//! - A read-only actor gets `forbidden` on every write.
//! - Waiving a cool-off (`force`) needs an admin or a superadmin.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::TenantId;

/// A role, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Platform operator: every tenant, every action.
    Superadmin,
    /// Tenant administrator: every action in the tenant, including forced
    /// cool-off waivers.
    Admin,
    /// Tenant member who can write the workspace.
    Member,
    /// May read, never write.
    ReadOnly,
}

/// The actor behind a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// The tenant the actor works in (a superadmin may act on others).
    pub tenant: TenantId,
    /// The role.
    pub role: Role,
    /// Who, for the audit log (user id, API key name).
    #[serde(default)]
    pub user: Option<String>,
}

impl Actor {
    /// An actor of `tenant` with `role`.
    pub fn new(tenant: TenantId, role: Role) -> Actor {
        Actor {
            tenant,
            role,
            user: None,
        }
    }

    /// Names the user, for the audit log.
    pub fn with_user(mut self, user: impl Into<String>) -> Actor {
        self.user = Some(user.into());
        self
    }

    /// May this actor see resources of `tenant`? Otherwise `not_found`.
    pub fn check_read(&self, tenant: &TenantId) -> Result<()> {
        if self.role == Role::Superadmin || &self.tenant == tenant {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// May this actor change resources of `tenant`? `not_found` for another
    /// tenant, `forbidden` for a read-only role.
    pub fn check_write(&self, tenant: &TenantId) -> Result<()> {
        self.check_read(tenant)?;
        if self.role == Role::ReadOnly {
            return Err(Error::Forbidden {
                reason: "read-only role".into(),
            });
        }
        Ok(())
    }

    /// Is this actor an admin (or superadmin)?
    pub fn is_admin(&self) -> bool {
        matches!(self.role, Role::Superadmin | Role::Admin)
    }
}
