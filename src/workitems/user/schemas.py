from pydantic import BaseModel

from workitems.user.models import User, UserRole


class UserRef(BaseModel):
    """How a user appears inside other resources."""

    id: int
    email: str
    name: str

    @classmethod
    def of(cls, user: User) -> "UserRef":
        return cls(id=user.id, email=user.email, name=user.display_name)


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    aliases: list[str]
    role: UserRole
    active: bool

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return cls(
            id=user.id,
            email=user.email,
            name=user.display_name,
            aliases=list(user.aliases or []),
            role=user.role,
            active=user.is_active,
        )


class UserList(BaseModel):
    items: list[UserOut]
