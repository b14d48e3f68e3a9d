package io.llmgateway.app.admin;

import org.jspecify.annotations.Nullable;

/** A user's gateway-wide role; project roles (owner, member) are held by memberships. */
public enum UserRole {
    /** Everything, as an admin token. */
    ADMINISTRATOR("administrator"),
    /** Reads everything, changes nothing. */
    AUDITOR("auditor");

    private final String wireName;

    UserRole(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The role of this stored or sent name; null for none or an unknown one. */
    public static @Nullable UserRole fromWire(@Nullable String name) {
        for (UserRole role : values()) {
            if (role.wireName.equals(name)) {
                return role;
            }
        }
        return null;
    }
}
