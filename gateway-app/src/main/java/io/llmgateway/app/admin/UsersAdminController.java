package io.llmgateway.app.admin;

import io.llmgateway.core.protocol.ListPage;
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
@RestController
@RequestMapping("/admin/v1/users")
public class UsersAdminController {

    private final UserAdminStore users;
    private final KeyAdminStore keys;

    public UsersAdminController(UserAdminStore users, KeyAdminStore keys) {
        this.users = users;
        this.keys = keys;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<UserAdminStore.UserView> create(AdminActor actor, @RequestBody UserAdminStore.NewUser user) {
        return users.create(actor, user);
    }

    @GetMapping
    public Mono<ListPage<UserAdminStore.UserView>> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        return users.list(Paging.of(limit, after));
    }

    @GetMapping("/{userId}")
    public Mono<UserAdminStore.UserView> get(@PathVariable String userId) {
        return users.get(userId);
    }

    @PatchMapping("/{userId}")
    public Mono<UserAdminStore.UserView> update(
            AdminActor actor, @PathVariable String userId, @RequestBody UserAdminStore.UserPatch patch) {
        return users.update(actor, userId, patch);
    }

    @DeleteMapping("/{userId}")
    public Mono<UserAdminStore.Deleted> delete(AdminActor actor, @PathVariable String userId) {
        return users.delete(actor, userId);
    }

    @PostMapping("/{userId}/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<KeyAdminStore.IssuedKeyView> createToken(
            AdminActor actor, @PathVariable String userId, @RequestBody KeyAdminStore.NewKey request) {
        return keys.issueToken(actor, userId, request);
    }

    @GetMapping("/{userId}/tokens")
    public Mono<ListPage<KeyAdminStore.KeyView>> tokens(
            @PathVariable String userId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return keys.listForUser(userId, Paging.of(limit, after));
    }

    @DeleteMapping("/{userId}/tokens/{tokenId}")
    public Mono<KeyAdminStore.KeyView> revokeToken(
            AdminActor actor, @PathVariable String userId, @PathVariable String tokenId) {
        return keys.revoke(actor, "user_id", userId, tokenId);
    }
}
