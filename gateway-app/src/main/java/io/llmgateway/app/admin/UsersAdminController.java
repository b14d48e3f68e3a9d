package io.llmgateway.app.admin;

import io.llmgateway.core.protocol.ListPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /admin/v1/users} and the users' personal access tokens. */
@Tag(name = "Admin: users", description = "Users and their personal access tokens.")
@RestController
@RequestMapping("/admin/v1/users")
public class UsersAdminController {

    private final UserAdminStore users;
    private final KeyAdminStore keys;

    public UsersAdminController(UserAdminStore users, KeyAdminStore keys) {
        this.users = users;
        this.keys = keys;
    }

    @Operation(
            operationId = "createUser",
            summary = "Create a user",
            description = "Setting a default project also makes the user a member of it.")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<UserAdminStore.UserView> create(AdminActor actor, @RequestBody UserAdminStore.NewUser user) {
        return users.create(actor, user);
    }

    @Operation(operationId = "listUsers", summary = "List users")
    @GetMapping
    public Mono<ListPage<UserAdminStore.UserView>> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        return users.list(Paging.of(limit, after));
    }

    @Operation(operationId = "getUser", summary = "Retrieve a user")
    @GetMapping("/{userId}")
    public Mono<UserAdminStore.UserView> get(@PathVariable String userId) {
        return users.get(userId);
    }

    @Operation(operationId = "updateUser", summary = "Modify a user")
    @PatchMapping("/{userId}")
    public Mono<UserAdminStore.UserView> update(
            AdminActor actor, @PathVariable String userId, @RequestBody UserAdminStore.UserPatch patch) {
        return users.update(actor, userId, patch);
    }

    @Operation(operationId = "deleteUser", summary = "Delete a user")
    @DeleteMapping("/{userId}")
    public Mono<UserAdminStore.Deleted> delete(AdminActor actor, @PathVariable String userId) {
        return users.delete(actor, userId);
    }

    @Operation(
            operationId = "createUserToken",
            summary = "Issue a personal access token",
            description = "The answer carries the token in `key`, this once.")
    @PostMapping("/{userId}/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<KeyAdminStore.IssuedKeyView> createToken(
            AdminActor actor, @PathVariable String userId, @RequestBody KeyAdminStore.NewKey request) {
        return keys.issueToken(actor, userId, request);
    }

    @Operation(
            operationId = "listUserTokens",
            summary = "List a user's personal access tokens",
            description = "Their metadata; never a secret.")
    @GetMapping("/{userId}/tokens")
    public Mono<ListPage<KeyAdminStore.KeyView>> tokens(
            @PathVariable String userId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return keys.listForUser(userId, Paging.of(limit, after));
    }

    @Operation(operationId = "revokeUserToken", summary = "Revoke a personal access token")
    @DeleteMapping("/{userId}/tokens/{tokenId}")
    public Mono<KeyAdminStore.KeyView> revokeToken(
            AdminActor actor, @PathVariable String userId, @PathVariable String tokenId) {
        return keys.revoke(actor, "user_id", userId, tokenId);
    }
}
