// The roles and claim names of a token, shared with the services (services/Identity.Claims).
global using JiaoLianTi.Platform.Identity;
